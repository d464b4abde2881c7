/**
 * A subgraph instance saved in the older `properties.proxyWidgets` form exports in the form ComfyUI's
 * frontend saves now: each bare promotion a subgraph input linked to its inner widget, the instance's
 * values in `widgets_values` in the order of its widget-bearing inputs, no proxyWidgets — valid by
 * the frontend's workflow schema, and importing it back gives the same prompt.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exportComfyUiWorkflow } from '../../../app/engine/comfyui/export-ui.js';
import { loadWorkflow } from '../../../app/engine/workflow-load.js';
import { workflowToPrompt } from '../../../app/engine/workflow-to-prompt.js';
import type { Workflow } from '../../../app/protocol/index.js';
import { createNodeRegistry } from '../../../nodes/index.js';
import { ComfyGraphBuilder } from '../../support/comfy-ui-builder.js';
import { comfyUiWorkflowSchema } from '../../support/comfyui-workflow-schema.js';
import { COMFY_SLOTS } from './comfy-slots.js';

const registry = createNodeRegistry();
const PROMPTS_ID = 'b1c2d3e4-0000-4000-8000-0000000000bb';
const PROMOTED_TEXT = 'a lighthouse at dusk';
const PROMOTED_NEGATIVE = 'ugly';
const OTHER_TEXT = 'a second instance';
const INSTANCE_SLOTS = { inputs: [{ name: 'clip', type: 'CLIP' }], outputs: [{ name: 'positive', type: 'CONDITIONING' }, { name: 'negative', type: 'CONDITIONING' }] };

/** CLIP in, positive and negative out; neither text linked to a subgraph input. */
function promptsDefinition(): Record<string, unknown> {
  const inner = new ComfyGraphBuilder(100);
  inner.add(1, 'CLIPTextEncode', COMFY_SLOTS.CLIPTextEncode, ['a stale inner prompt']);
  inner.add(2, 'CLIPTextEncode', COMFY_SLOTS.CLIPTextEncode, ['blurry']);
  inner.connectFromSubgraphInput(0, 1, 'clip', 'CLIP');
  inner.connectFromSubgraphInput(0, 2, 'clip', 'CLIP');
  inner.connectToSubgraphOutput(1, 0, 0);
  inner.connectToSubgraphOutput(2, 0, 1);
  return inner.subgraph(PROMPTS_ID, 'Prompts', [{ name: 'clip', type: 'CLIP' }], INSTANCE_SLOTS.outputs);
}

/** Instance 40 promotes both texts (negative first), instance 41 only the positive one. */
function proxyWorkflow(): Record<string, unknown> {
  const graph = new ComfyGraphBuilder();
  graph.add(4, 'CheckpointLoaderSimple', COMFY_SLOTS.CheckpointLoaderSimple, ['tiny-sd']);
  graph.add(5, 'EmptyLatentImage', COMFY_SLOTS.EmptyLatentImage, [32, 32, 1]);
  graph.add(40, PROMPTS_ID, INSTANCE_SLOTS, [PROMOTED_NEGATIVE, PROMOTED_TEXT]);
  graph.node(40).properties.proxyWidgets = [['2', 'text'], ['1', 'text']];
  graph.add(41, PROMPTS_ID, INSTANCE_SLOTS, [OTHER_TEXT]);
  graph.node(41).properties.proxyWidgets = JSON.stringify([['1', 'text']]);
  graph.add(3, 'KSampler', COMFY_SLOTS.KSampler, [11, 'fixed', 2, 7, 'euler', 'normal', 1]);
  graph.add(13, 'KSampler', COMFY_SLOTS.KSampler, [12, 'fixed', 2, 7, 'euler', 'normal', 1]);
  graph.add(8, 'VAEDecode', COMFY_SLOTS.VAEDecode);
  graph.add(9, 'SaveImage', COMFY_SLOTS.SaveImage, ['proxy']);
  graph.add(18, 'VAEDecode', COMFY_SLOTS.VAEDecode);
  graph.add(19, 'SaveImage', COMFY_SLOTS.SaveImage, ['proxy-2']);
  for (const [instance, sampler, decode, save] of [[40, 3, 8, 9], [41, 13, 18, 19]] as const) {
    graph.connect(4, 1, instance, 'clip');
    graph.connect(4, 0, sampler, 'model');
    graph.connect(instance, 0, sampler, 'positive');
    graph.connect(instance, 1, sampler, 'negative');
    graph.connect(5, 0, sampler, 'latent_image');
    graph.connect(sampler, 0, decode, 'samples');
    graph.connect(4, 2, decode, 'vae');
    graph.connect(decode, 0, save, 'images');
  }
  return graph.workflow({ definitions: { subgraphs: [promptsDefinition()] } });
}

function load(json: unknown): Workflow {
  const loaded = loadWorkflow(json, registry);
  assert.ok(loaded.ok, loaded.ok ? '' : JSON.stringify(loaded.issues));
  return loaded.workflow;
}

interface ExportedFile {
  nodes: { id: number; inputs: { name: string; widget?: unknown }[]; properties: Record<string, unknown>; widgets_values?: unknown[] }[];
  definitions: { subgraphs: { inputs: { name: string }[]; links: { origin_id: number; origin_slot: number; target_id: number }[] }[] };
}

describe('a proxyWidgets instance exported for ComfyUI', () => {
  const workflow = load(proxyWorkflow());
  const { comfy, notes } = exportComfyUiWorkflow(workflow, registry);
  const file = JSON.parse(JSON.stringify(comfy)) as ExportedFile;
  const instance = (id: number) => file.nodes.find((node) => node.id === id)!;

  test('has no proxyWidgets and is valid by ComfyUI\'s workflow schema', () => {
    const parsed = comfyUiWorkflowSchema.safeParse(file);
    assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
    assert.deepEqual(notes, []);
    assert.doesNotMatch(JSON.stringify(file), /proxyWidgets/);
  });

  test('each promotion is a subgraph input linked to its inner widget, shown on every instance', () => {
    const [definition] = file.definitions.subgraphs;
    assert.deepEqual(definition!.inputs.map((input) => input.name), ['clip', 'text', 'text_1']);
    const fed = definition!.links.filter((link) => link.origin_id === -10 && link.origin_slot > 0).map((link) => [link.origin_slot, link.target_id]);
    assert.deepEqual(fed, [[1, 2], [2, 1]]);
    for (const id of [40, 41]) assert.deepEqual(instance(id).inputs.filter((input) => input.widget !== undefined).map((input) => input.name), ['text', 'text_1']);
  });

  test('each instance\'s values follow its inputs; one it did not promote keeps the inner value', () => {
    assert.deepEqual(instance(40).widgets_values, [PROMOTED_NEGATIVE, PROMOTED_TEXT]);
    assert.deepEqual(instance(41).widgets_values, ['blurry', OTHER_TEXT]);
  });

  test('importing the export gives the same prompt, and exporting that again the same file', () => {
    const prompt = workflowToPrompt(workflow, registry);
    assert.deepEqual([prompt['40:1']!.inputs.text, prompt['40:2']!.inputs.text, prompt['41:1']!.inputs.text], [PROMOTED_TEXT, PROMOTED_NEGATIVE, OTHER_TEXT]);
    const again = load(file);
    assert.deepEqual(workflowToPrompt(again, registry), prompt);
    assert.deepEqual(JSON.parse(JSON.stringify(exportComfyUiWorkflow(again, registry).comfy)), file);
  });
});
