import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Workflow } from '../../../app/protocol/index.js';
import { makesSizedLatent, modelFor, onlyNamedModel } from '../../../renderer/src/workflow/latent-model.js';
import { schemas, shippedWorkflow } from '../workflow/workflow-file.js';

test('Empty Latent Image makes a sized latent; the Sampler and VAE Encode do not', () => {
  assert.deepEqual([...schemas.values()].filter(makesSizedLatent).map((schema) => schema.type), ['EmptyLatentImage']);
});

test('through the Sampler and the ScaleCrafter patches to the checkpoint it samples with', () => {
  // scalecrafter-16x: LoadCheckpoint 1 → ReDilate 8 → NoiseDampedCFG 9 → Sampler 5 ← EmptyLatentImage 4.
  assert.equal(modelFor(shippedWorkflow('scalecrafter-16x.json'), 4, schemas), 'emoji-pixel-32');
});

test('unconnected: the graph\'s only named model; with two different ones, none', () => {
  const workflow = shippedWorkflow('default.json');
  const latent = workflow.nodes.find((node) => node.type === 'EmptyLatentImage')!;
  const unlinked: Workflow = {
    ...workflow,
    links: workflow.links.filter((link) => link.origin_id !== latent.id),
    nodes: workflow.nodes.map((node) => (node.id === latent.id ? { ...node, outputs: node.outputs.map((output) => ({ ...output, links: [] })) } : node)),
  };
  assert.equal(modelFor(unlinked, latent.id, schemas), 'emoji-pixel-32');
  const checkpoint = workflow.nodes.find((node) => node.type === 'LoadCheckpoint')!;
  const twoModels = { ...unlinked, nodes: [...unlinked.nodes, { ...checkpoint, id: 99, outputs: [], widgets: { ...checkpoint.widgets, model: 'tiny-sd' } }] };
  assert.equal(modelFor(twoModels, latent.id, schemas), undefined);
  // Linked, the Sampler's own model decides even with two in the graph.
  assert.equal(modelFor({ ...workflow, nodes: [...workflow.nodes, { ...checkpoint, id: 99, outputs: [], widgets: { ...checkpoint.widgets, model: 'tiny-sd' } }] }, latent.id, schemas), 'emoji-pixel-32');
});

test('the workflow\'s only named model counts the checkpoints inside subgraph definitions, nested ones too', () => {
  const workflow = shippedWorkflow('default.json');
  const checkpoint = workflow.nodes.find((node) => node.type === 'LoadCheckpoint')!;
  const inside = (model: string) => ({ id: 'inner', nodes: [{ ...checkpoint, widgets: { ...checkpoint.widgets, model } }], links: [] });
  const root = workflow.nodes.filter((node) => node !== checkpoint);
  assert.equal(onlyNamedModel({ ...workflow, nodes: root, definitions: { subgraphs: [{ id: 'outer', nodes: [], links: [], definitions: { subgraphs: [inside('emoji-pixel-32')] } }] } }, schemas), 'emoji-pixel-32');
  assert.equal(onlyNamedModel({ ...workflow, definitions: { subgraphs: [inside('emoji-pixel-32')] } }, schemas), 'emoji-pixel-32', 'the same model twice is still one');
  assert.equal(onlyNamedModel({ ...workflow, definitions: { subgraphs: [inside('tiny-sd')] } }, schemas), undefined);
  assert.equal(onlyNamedModel({ ...workflow, nodes: root }, schemas), undefined);
});
