import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Workflow } from '../../../app/protocol/index.js';
import { nodeSignatures } from '../../../renderer/src/run/node-signature.js';
import { INSTANCE_ID, NEGATIVE_ID, subgraphWorkflow } from '../../support/subgraph-workflow.js';
import { shippedWorkflow } from '../workflow/workflow-file.js';

// default.json: LoadCheckpoint 1 → TextEncode 2, 3 → Sampler 5 (latent from 4) → VAEDecode 6 → SaveImage 7.
const workflow = shippedWorkflow('default.json');
const withWidget = (id: number, name: string, value: string | number): Workflow => ({
  ...workflow,
  nodes: workflow.nodes.map((node) => (node.id === id ? { ...node, widgets: { ...node.widgets, [name]: value } } : node)),
});
const changed = (other: Workflow) => {
  const [before, after] = [nodeSignatures(workflow), nodeSignatures(other)];
  return [...before.keys()].filter((id) => before.get(id) !== after.get(id)).sort();
};

test('a widget edit changes the signature of its node and of everything downstream, nothing else', () => {
  assert.deepEqual(changed(withWidget(2, 'text', 'a cat')), [2, 5, 6, 7]);
  assert.deepEqual(changed(withWidget(7, 'filename_prefix', 'other')), [7]);
  assert.deepEqual(changed(withWidget(4, 'width', 64)), [4, 5, 6, 7]);
});

test('moving a node changes nothing; bypassing or relinking does', () => {
  assert.deepEqual(changed({ ...workflow, nodes: workflow.nodes.map((node) => ({ ...node, pos: [node.pos[0] + 50, node.pos[1]] as [number, number] })) }), []);
  assert.deepEqual(changed({ ...workflow, nodes: workflow.nodes.map((node) => (node.id === 6 ? { ...node, mode: 4 as const } : node)) }), [6, 7]);
  // The Sampler's positive and negative prompts swapped.
  const swapped = { ...workflow, nodes: workflow.nodes.map((node) => (node.id === 5 ? { ...node, inputs: node.inputs.map((input) => (input.name === 'positive' ? { ...input, name: 'negative' } : input.name === 'negative' ? { ...input, name: 'positive' } : input)) } : node)) };
  assert.deepEqual(changed(swapped), [5, 6, 7]);
});

test('an edit inside a subgraph, or of an instance\'s promoted value, changes the instance\'s signature and downstream', () => {
  const base = subgraphWorkflow('a cat');
  const changedFrom = (other: Workflow) => {
    const [before, after] = [nodeSignatures(base), nodeSignatures(other)];
    return [...before.keys()].filter((id) => before.get(id) !== after.get(id)).sort((a, b) => a - b);
  };
  const edited = structuredClone(base);
  const [definition] = (edited.definitions as { subgraphs: { nodes: Workflow['nodes'] }[] }).subgraphs;
  definition!.nodes.find((node) => node.id === NEGATIVE_ID)!.widgets.text = 'blurry';
  assert.deepEqual(changedFrom(edited), [5, 6, 7, INSTANCE_ID]);
  assert.deepEqual(changedFrom(subgraphWorkflow('a dog')), [5, 6, 7, INSTANCE_ID]);
});
