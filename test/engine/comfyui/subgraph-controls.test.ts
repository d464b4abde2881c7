/**
 * control_after_generate inside subgraphs (subgraph-controls.ts) on an imported ComfyUI file, moved
 * as ComfyUI's frontend moves them after each queue: an inner KSampler's seed moves in its
 * definition once per instance of it (collectAllNodes walks each instance), a promoted seed moves
 * on its instance by the inner widget's control while the linked inner widget stays; the moves are
 * `--set` overrides (`40:6.seed`, `50.seed`) that the next prompt shows. Also `--set` into a
 * subgraph by hand, and what it refuses.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { subgraphControlOverrides } from '../../../app/engine/subgraph-controls.js';
import { applyOverrides } from '../../../app/engine/widget-overrides.js';
import { loadWorkflow } from '../../../app/engine/workflow-load.js';
import { flattenWorkflow } from '../../../app/engine/workflow-to-prompt.js';
import type { Workflow } from '../../../app/protocol/index.js';
import { ComfyGraphBuilder } from '../../support/comfy-ui-builder.js';
import { EngineHarness } from '../../support/engine-harness.js';
import { COMFY_SLOTS, widgetInput } from './comfy-slots.js';

const SHARED_ID = 'b1000000-0000-4000-8000-000000000001';
const PROMOTED_ID = 'b1000000-0000-4000-8000-000000000002';
const IO = { inputs: [{ name: 'model', type: 'MODEL' }, { name: 'positive', type: 'CONDITIONING' }, { name: 'latent', type: 'LATENT' }], outputs: [{ name: 'LATENT', type: 'LATENT' }] };

/** A KSampler inside a subgraph; its seed (control `control`) linked from a promoted input or its own. */
function samplerSubgraph(id: string, seed: number, control: string, promoted: boolean): Record<string, unknown> {
  const inner = new ComfyGraphBuilder(100);
  inner.add(6, 'KSampler', { inputs: [...COMFY_SLOTS.KSampler.inputs, ...(promoted ? [widgetInput('seed', 'INT')] : [])], outputs: COMFY_SLOTS.KSampler.outputs }, [seed, control, 2, 7, 'euler', 'normal', 1]);
  inner.connectFromSubgraphInput(0, 6, 'model', 'MODEL');
  inner.connectFromSubgraphInput(1, 6, 'positive', 'CONDITIONING');
  inner.connectFromSubgraphInput(1, 6, 'negative', 'CONDITIONING');
  inner.connectFromSubgraphInput(2, 6, 'latent_image', 'LATENT');
  if (promoted) inner.connectFromSubgraphInput(3, 6, 'seed', 'INT');
  inner.connectToSubgraphOutput(6, 0, 0);
  return inner.subgraph(id, id, [...IO.inputs, ...(promoted ? [{ name: 'seed', type: 'INT' }] : [])], IO.outputs);
}

/** Instances 40 and 41 of the shared definition (inner seed 5, increment) and 50 of the promoted one (inner seed 1, decrement; its own 100). */
function workflowFile(): Record<string, unknown> {
  const graph = new ComfyGraphBuilder();
  graph.add(4, 'CheckpointLoaderSimple', COMFY_SLOTS.CheckpointLoaderSimple, ['tiny-sd']);
  graph.add(5, 'EmptyLatentImage', COMFY_SLOTS.EmptyLatentImage, [32, 32, 1]);
  graph.add(7, 'CLIPTextEncode', COMFY_SLOTS.CLIPTextEncode, ['a red apple']);
  graph.connect(4, 1, 7, 'clip');
  for (const id of [40, 41]) graph.add(id, SHARED_ID, IO);
  graph.add(50, PROMOTED_ID, { inputs: [...IO.inputs, widgetInput('seed', 'INT')], outputs: IO.outputs }, [100]);
  for (const id of [40, 41, 50]) {
    graph.connect(4, 0, id, 'model');
    graph.connect(7, 0, id, 'positive');
    graph.connect(5, 0, id, 'latent');
  }
  return graph.workflow({ definitions: { subgraphs: [samplerSubgraph(SHARED_ID, 5, 'increment', false), samplerSubgraph(PROMOTED_ID, 1, 'decrement', true)] } });
}

describe('control_after_generate inside subgraphs', () => {
  const engine = new EngineHarness();
  const schemas = new Map(engine.registry.schemas().map((schema) => [schema.type, schema]));
  const loaded = loadWorkflow(workflowFile(), engine.registry);
  assert.ok(loaded.ok);
  const seeds = (workflow: Workflow) => {
    const { prompt } = flattenWorkflow(workflow, engine.registry);
    return ['40:6', '41:6', '50:6'].map((id) => prompt[id]!.inputs.seed);
  };
  /** One queue's moves, applied as the next batch copy applies them. */
  const afterQueue = (workflow: Workflow) => {
    const overrides = subgraphControlOverrides(workflow, schemas);
    const applied = applyOverrides(workflow, overrides);
    assert.ok(applied.ok, JSON.stringify(applied));
    return { overrides, workflow: applied.workflow };
  };

  test('the shared inner seed moves once per instance; the promoted seed moves on its instance, the linked inner one stays', () => {
    assert.deepEqual(seeds(loaded.workflow), [5, 5, 100]);
    const first = afterQueue(loaded.workflow);
    assert.deepEqual(first.overrides, [
      { nodeId: '41:6', field: 'seed', value: 7 },
      { nodeId: '50', field: 'seed', value: 99 },
    ]);
    assert.deepEqual(seeds(first.workflow), [7, 7, 99]);
    assert.deepEqual(seeds(afterQueue(first.workflow).workflow), [9, 9, 98]);
    const definitions = (first.workflow.definitions as { subgraphs: Array<{ id: string; nodes: Array<{ widgets: Record<string, unknown> }> }> }).subgraphs;
    assert.equal(definitions.find((definition) => definition.id === PROMOTED_ID)!.nodes[0]!.widgets.seed, 1, 'the linked inner seed does not move');
  });

  test('--set reaches into a subgraph by execution path and onto a promoted input; a path through no instance is refused', () => {
    const set = applyOverrides(loaded.workflow, [
      { nodeId: '40:6', field: 'steps', value: 3 },
      { nodeId: '50', field: 'seed', value: 12 },
    ]);
    assert.ok(set.ok);
    const { prompt } = flattenWorkflow(set.workflow, engine.registry);
    assert.deepEqual([prompt['41:6']!.inputs.steps, prompt['50:6']!.inputs.seed], [3, 12]);
    const refused = applyOverrides(loaded.workflow, [{ nodeId: '4:6', field: 'seed', value: 1 }]);
    assert.ok(!refused.ok && refused.issues[0]!.message.includes('4 is not a subgraph instance'));
  });
});
