/**
 * Subgraphs through a ComfyUI round trip: a UI file whose prompts are a subgraph with a promoted
 * widget (the positive text, an input of the subgraph left unlinked on the instance, its value in the
 * instance's widgets_values) runs with the instance's value, and exports back with its definition —
 * ComfyUI's class names inside, links as objects with the boundary nodes, valid by the frontend's
 * workflow schema — so that importing the export gives the same prompt.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exportComfyUiWorkflow } from '../../../app/engine/comfyui/export-ui.js';
import { EngineService } from '../../../app/engine/engine-service.js';
import { loadWorkflow } from '../../../app/engine/workflow-load.js';
import { workflowToPrompt } from '../../../app/engine/workflow-to-prompt.js';
import type { Workflow } from '../../../app/protocol/index.js';
import { createNodeRegistry } from '../../../nodes/index.js';
import { canvasToWorkflow } from '../../../renderer/src/workflow/canvas-to-workflow.js';
import { workflowToCanvas } from '../../../renderer/src/workflow/workflow-to-canvas.js';
import { ComfyGraphBuilder } from '../../support/comfy-ui-builder.js';
import { comfyUiWorkflowSchema } from '../../support/comfyui-workflow-schema.js';
import { COMFY_SLOTS, widgetInput } from './comfy-slots.js';

const registry = createNodeRegistry();
const PROMPTS_ID = 'b1c2d3e4-0000-4000-8000-0000000000aa';
const INNER_TEXT = 'a stale inner prompt';
const PROMOTED_TEXT = 'a lighthouse at dusk';

/** CLIP and the positive text in; positive and negative conditioning out. */
function promptsDefinition(): Record<string, unknown> {
  const inner = new ComfyGraphBuilder(100);
  inner.add(1, 'CLIPTextEncode', { inputs: [...COMFY_SLOTS.CLIPTextEncode.inputs, widgetInput('text', 'STRING')], outputs: COMFY_SLOTS.CLIPTextEncode.outputs }, [INNER_TEXT]);
  inner.add(2, 'CLIPTextEncode', COMFY_SLOTS.CLIPTextEncode, ['blurry']);
  inner.connectFromSubgraphInput(0, 1, 'clip', 'CLIP');
  inner.connectFromSubgraphInput(0, 2, 'clip', 'CLIP');
  inner.connectFromSubgraphInput(1, 1, 'text', 'STRING');
  inner.connectToSubgraphOutput(1, 0, 0);
  inner.connectToSubgraphOutput(2, 0, 1);
  return inner.subgraph(PROMPTS_ID, 'Prompts', [{ name: 'clip', type: 'CLIP' }, { name: 'text', type: 'STRING' }], [{ name: 'positive', type: 'CONDITIONING' }, { name: 'negative', type: 'CONDITIONING' }]);
}

function workflowWithSubgraph(): Record<string, unknown> {
  const graph = new ComfyGraphBuilder();
  graph.add(4, 'CheckpointLoaderSimple', COMFY_SLOTS.CheckpointLoaderSimple, ['tiny-sd']);
  graph.add(5, 'EmptyLatentImage', COMFY_SLOTS.EmptyLatentImage, [32, 32, 1]);
  graph.add(40, PROMPTS_ID, { inputs: [{ name: 'clip', type: 'CLIP' }, widgetInput('text', 'STRING')], outputs: [{ name: 'positive', type: 'CONDITIONING' }, { name: 'negative', type: 'CONDITIONING' }] }, [PROMOTED_TEXT]);
  graph.add(3, 'KSampler', COMFY_SLOTS.KSampler, [11, 'fixed', 2, 7, 'euler', 'normal', 1]);
  graph.add(8, 'VAEDecode', COMFY_SLOTS.VAEDecode);
  graph.add(9, 'SaveImage', COMFY_SLOTS.SaveImage, ['subgraph']);
  graph.connect(4, 1, 40, 'clip');
  graph.connect(4, 0, 3, 'model');
  graph.connect(40, 0, 3, 'positive');
  graph.connect(40, 1, 3, 'negative');
  graph.connect(5, 0, 3, 'latent_image');
  graph.connect(3, 0, 8, 'samples');
  graph.connect(4, 2, 8, 'vae');
  graph.connect(8, 0, 9, 'images');
  return graph.workflow({ definitions: { subgraphs: [promptsDefinition()] } });
}

function load(json: unknown): Workflow {
  const loaded = loadWorkflow(json, registry);
  assert.ok(loaded.ok, loaded.ok ? '' : JSON.stringify(loaded.issues));
  return loaded.workflow;
}

describe('a subgraph with a promoted widget', () => {
  const workflow = load(workflowWithSubgraph());
  const { comfy, notes } = exportComfyUiWorkflow(workflow, registry);
  const file = JSON.parse(JSON.stringify(comfy)) as { nodes: { id: number; widgets_values?: unknown[] }[]; definitions: { subgraphs: Record<string, unknown>[] } };

  test('the instance\'s value for the promoted widget wins over the inner widget\'s', () => {
    assert.equal(workflowToPrompt(workflow, registry)['40:1']!.inputs.text, PROMOTED_TEXT);
  });

  test('with no value saved for the promoted widget, the inner widget\'s own value stands', () => {
    const json = workflowWithSubgraph() as { nodes: { id: number; widgets_values?: unknown[] }[] };
    json.nodes.find((node) => node.id === 40)!.widgets_values = [];
    assert.equal(workflowToPrompt(load(json), registry)['40:1']!.inputs.text, INNER_TEXT);
  });

  test('the export carries the definition, valid by ComfyUI\'s workflow schema', () => {
    const parsed = comfyUiWorkflowSchema.safeParse(file);
    assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
    assert.deepEqual(notes, []);
    const [definition] = file.definitions.subgraphs as [{ id: string; nodes: { type: string; widgets_values: unknown[] }[]; links: { origin_id: number; target_id: number }[]; inputs: { id: string }[] }];
    assert.equal(definition.id, PROMPTS_ID);
    assert.deepEqual(definition.nodes.map((node) => [node.type, node.widgets_values]), [['CLIPTextEncode', [INNER_TEXT]], ['CLIPTextEncode', ['blurry']]]);
    assert.deepEqual(definition.links.filter((link) => link.origin_id === -10).length, 3);
    assert.deepEqual(definition.links.filter((link) => link.target_id === -20).length, 2);
    assert.deepEqual(file.nodes.find((node) => node.id === 40)!.widgets_values, [PROMOTED_TEXT]);
  });

  test('a definition the schema would refuse is completed: UUIDs for its inputs and outputs, version, state', () => {
    const bare = workflowWithSubgraph() as { definitions: { subgraphs: Record<string, unknown>[] } };
    const { version: _version, state: _state, revision: _revision, ...rest } = bare.definitions.subgraphs[0]!;
    bare.definitions.subgraphs[0] = { ...rest, inputs: [{ name: 'clip', type: 'CLIP' }, { name: 'text', type: 'STRING' }] };
    const completed = JSON.parse(JSON.stringify(exportComfyUiWorkflow(load(bare), registry).comfy)) as unknown;
    const parsed = comfyUiWorkflowSchema.safeParse(completed);
    assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
  });

  test('the editor keeps the definitions: its "For ComfyUI…" export of the canvas\'s workflow carries them', () => {
    const schemas = new Map(registry.schemas().map((schema) => [schema.type, schema]));
    const fromCanvas = canvasToWorkflow(workflowToCanvas(workflow, schemas), schemas);
    const service = new EngineService(registry, () => undefined);
    const result = service.handle('exportComfyUi', { workflow: fromCanvas }) as { ok: true; workflow: typeof file };
    const fromEditor = JSON.parse(JSON.stringify(result.workflow)) as typeof file;
    assert.deepEqual(fromEditor.definitions, file.definitions);
    assert.deepEqual(fromEditor.nodes.find((node) => node.id === 40)!.widgets_values, [PROMOTED_TEXT]);
  });

  test('importing the export gives the same prompt, and exporting it again the same definitions', () => {
    const again = load(file);
    assert.deepEqual(workflowToPrompt(again, registry), workflowToPrompt(workflow, registry));
    assert.deepEqual(JSON.parse(JSON.stringify(exportComfyUiWorkflow(again, registry).comfy.definitions)), file.definitions);
  });
});
