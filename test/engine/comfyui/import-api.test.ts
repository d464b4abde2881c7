import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { importComfyUi } from '../../../app/engine/comfyui/import-comfyui.js';
import { COMFY_INPUTS_PROPERTY } from '../../../app/engine/comfyui/kept-node.js';
import type { Workflow } from '../../../app/protocol/index.js';
import { assertLinksConsistent, checkedWorkflow, linkDescriptions, loadFixture, nodeById } from './graph-assertions.js';
import { targetRegistry } from './target-node-definitions.js';

function imported(json: unknown) {
  const result = importComfyUi(json, targetRegistry());
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.issues));
  assert.equal(result.format, 'api');
  return { ...result, workflow: checkedWorkflow(result.workflow) };
}

const byId = (workflow: Workflow) => [...workflow.nodes].sort((a, b) => a.id - b.id);

/** Two boxes overlap when they overlap on both axes. */
function overlaps(a: Workflow['nodes'][number], b: Workflow['nodes'][number]): boolean {
  const [ax, ay] = a.pos;
  const [bx, by] = b.pos;
  return ax < bx + b.size[0] && bx < ax + a.size[0] && ay < by + b.size[1] && by < ay + a.size[1];
}

describe('ComfyUI API format: the default workflow', () => {
  const api = imported(loadFixture('default-workflow-api.json'));
  const ui = importComfyUi(loadFixture('default-workflow.json'), targetRegistry());
  assert.ok(ui.ok);

  test('gives the same graph as the UI-format file: nodes, values and links', () => {
    assert.deepEqual(api.unknownTypes, []);
    assert.deepEqual(api.issues, []);
    assert.deepEqual(
      byId(api.workflow).map((node) => [node.id, node.type, node.widgets]),
      byId(ui.workflow).map((node) => [node.id, node.type, node.widgets]),
    );
    assert.deepEqual(linkDescriptions(api.workflow), linkDescriptions(ui.workflow));
    assert.deepEqual(
      byId(api.workflow).map((node) => node.inputs.map((input) => input.name)),
      byId(ui.workflow).map((node) => node.inputs.map((input) => input.name)),
    );
    assertLinksConsistent(api.workflow);
  });

  test('seeds are "fixed", since API files record no control, and the notes say so', () => {
    assert.deepEqual(nodeById(api.workflow, 3).widget_controls, { seed: 'fixed' });
    assert.ok(api.notes.some((note) => note.includes('node 3 (KSampler → Sampler)') && note.includes('"fixed"')));
  });

  test('ComfyUI\'s default titles are not kept as user titles', () => {
    assert.ok(api.workflow.nodes.every((node) => node.title === undefined));
  });

  test('nodes are laid out in columns by depth, left to right, without overlapping', () => {
    const x = (id: number) => nodeById(api.workflow, id).pos[0];
    // Depths: checkpoint 4 and empty latent 5 start; the encoders read the checkpoint; the sampler
    // reads the encoders; decode and save follow.
    assert.equal(x(4), x(5));
    assert.equal(x(6), x(7));
    assert.ok(x(4) < x(6) && x(6) < x(3) && x(3) < x(8) && x(8) < x(9));
    const nodes = api.workflow.nodes;
    for (const [index, a] of nodes.entries()) for (const b of nodes.slice(index + 1)) assert.ok(!overlaps(a, b), `${a.id} and ${b.id} overlap`);
    assert.ok(nodes.every((node) => node.size[0] > 0 && node.size[1] > 0));
  });
});

describe('ComfyUI API format: what the UI format would not show', () => {
  /** The default graph with a custom LoRA node (ComfyUI-Custom-Scripts') between checkpoint and sampler, as ComfyUI exports it. */
  function withLora(): Record<string, unknown> {
    const json = structuredClone(loadFixture('default-workflow-api.json')) as Record<string, { inputs: Record<string, unknown>; _meta?: { title: string } }>;
    json['10'] = {
      inputs: { lora_name: 'add_detail.safetensors', strength_model: 0.8, strength_clip: 0.6, model: ['4', 0], clip: ['4', 1] },
      class_type: 'LoraLoader|pysssss',
      _meta: { title: 'Lora Loader 🐍' },
    } as never;
    json['3']!.inputs.model = ['10', 0];
    json['6']!.inputs.clip = ['10', 1];
    json['7']!.inputs.clip = ['10', 1];
    json['6']!._meta = { title: 'Positive' };
    return json;
  }

  test('an unknown node is kept with its values by name, and links typed from the nodes around it', () => {
    const { workflow, unknownTypes, notes } = imported(withLora());
    assert.deepEqual(unknownTypes, ['LoraLoader|pysssss']);
    assert.ok(notes.some((note) => note.includes('LoraLoader|pysssss')));
    const lora = nodeById(workflow, 10);
    assert.equal(lora.type, 'LoraLoader|pysssss');
    assert.equal(lora.title, 'Lora Loader 🐍');
    assert.deepEqual(lora.properties[COMFY_INPUTS_PROPERTY], { lora_name: 'add_detail.safetensors', strength_model: 0.8, strength_clip: 0.6 });
    assert.deepEqual(lora.inputs.map((input) => [input.name, input.type]), [['model', 'MODEL'], ['clip', 'CLIP']]);
    assert.deepEqual(lora.outputs.map((output) => output.type), ['MODEL', 'CLIP']);
    const throughLora = linkDescriptions(workflow).filter((link) => link.includes('10.'));
    assert.deepEqual(throughLora, [
      '10.CLIP -> 6.clip (CLIP)',
      '10.CLIP -> 7.clip (CLIP)',
      '10.MODEL -> 3.model (MODEL)',
      '4.CLIP -> 10.clip (CLIP)',
      '4.MODEL -> 10.model (MODEL)',
    ]);
    assertLinksConsistent(workflow);
  });

  test('a title the user gave is kept', () => {
    assert.equal(nodeById(imported(withLora()).workflow, 6).title, 'Positive');
  });

  test('subgraph ids like "92:3" become numbers and stay connected', () => {
    const json = {
      '92:5': { inputs: { width: 640, height: 448, batch_size: 1 }, class_type: 'EmptyLatentImage', _meta: { title: 'Empty Latent Image' } },
      '92:8': { inputs: { samples: ['92:5', 0], vae: ['92:4', 2] }, class_type: 'VAEDecode', _meta: { title: 'VAE Decode' } },
      '92:4': { inputs: { ckpt_name: 'sd15.safetensors' }, class_type: 'CheckpointLoaderSimple', _meta: { title: 'Load Checkpoint' } },
    };
    const { workflow, notes } = imported(json);
    assert.deepEqual(workflow.nodes.map((node) => node.id).sort(), [1, 2, 3]);
    assert.deepEqual(linkDescriptions(workflow).map((link) => link.replace(/\d+\./g, '')), ['LATENT -> samples (LATENT)', 'VAE -> vae (VAE)']);
    assert.equal(notes.filter((note) => note.includes('was given id')).length, 3);
  });

  test('a link to a node the file lacks is an issue on the node that wanted it', () => {
    const json = structuredClone(loadFixture('default-workflow-api.json')) as Record<string, { inputs: Record<string, unknown> }>;
    json['8']!.inputs.vae = ['44', 2];
    const result = importComfyUi(json, targetRegistry());
    assert.ok(result.ok);
    assert.equal(result.issues.length, 1);
    assert.equal(result.issues[0]!.code, 'dangling_link');
    assert.equal(result.issues[0]!.nodeId, '8');
    assert.match(result.issues[0]!.message, /node "44", which the file does not contain/);
    checkedWorkflow(result.workflow);
  });
});
