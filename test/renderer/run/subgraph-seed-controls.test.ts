/**
 * The editor's after-Queue controls inside subgraphs (app/protocol/subgraph-controls.ts, which the
 * CLI's --batch-count uses too), on the workflow the canvas gives back: an inner seed moves in its
 * definition once per instance; a promoted seed moves on its own instance by the inner widget's
 * control; a seed fed from the subgraph's input is not the inner node's to move.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { subgraphControlMoves, SUBGRAPH_INPUT_NODE_ID, SUBGRAPH_WIDGET_VALUES_PROPERTY, withSubgraphControlMoves, type Workflow, type WorkflowNode } from '../../../app/protocol/index.js';
import { createNodeRegistry } from '../../../nodes/index.js';
import { canvasToWorkflow } from '../../../renderer/src/workflow/canvas-to-workflow.js';
import { workflowToCanvas } from '../../../renderer/src/workflow/workflow-to-canvas.js';
import { INSTANCE_ID, PROMPTS_ID, subgraphWorkflow } from '../../support/subgraph-workflow.js';

const registry = createNodeRegistry();
const schemas = new Map(registry.schemas().map((schema) => [schema.type, schema]));
const SECOND_INSTANCE = 20;
const [INNER_SEED, PROMOTED_SEED] = [7, 8];

const sampler = (id: number, seed: number, seedInput: WorkflowNode['inputs']): WorkflowNode => ({
  id, type: 'Sampler', version: 1, pos: [0, 600 + id * 10], size: [300, 300], mode: 0, inputs: seedInput, outputs: [],
  widgets: { seed }, widget_controls: { seed: 'increment' }, properties: {},
});

/** The Prompts subgraph with two samplers inside (one's seed fed by a new `seed` input, promoted), and a second instance. */
function workflowWithSeeds(): Workflow {
  const workflow = subgraphWorkflow('a promoted prompt');
  const definition = (workflow.definitions as { subgraphs: Record<string, unknown>[] }).subgraphs[0]! as { inputs: unknown[]; nodes: WorkflowNode[]; links: unknown[] };
  definition.inputs.push({ name: 'seed', type: 'INT' });
  definition.nodes.push(sampler(INNER_SEED, 100, []), sampler(PROMOTED_SEED, 500, [{ name: 'seed', type: 'INT', link: 90, widget: { name: 'seed' } }]));
  definition.links.push({ id: 90, origin_id: SUBGRAPH_INPUT_NODE_ID, origin_slot: 2, target_id: PROMOTED_SEED, target_slot: 0, type: 'INT' });
  const instance = workflow.nodes.find((node) => node.id === INSTANCE_ID)!;
  instance.inputs.push({ name: 'seed', type: 'INT', link: null, widget: { name: 'seed' } });
  instance.properties[SUBGRAPH_WIDGET_VALUES_PROPERTY] = ['a promoted prompt', 40];
  const second: WorkflowNode = { ...structuredClone(instance), id: SECOND_INSTANCE, inputs: instance.inputs.map((input) => ({ ...input, link: null })), outputs: [] };
  second.properties[SUBGRAPH_WIDGET_VALUES_PROPERTY] = ['another prompt', 60];
  workflow.nodes.push(second);
  // What Queue sends is the canvas's workflow, not the file.
  return canvasToWorkflow(workflowToCanvas(workflow, schemas), schemas);
}

const innerSeed = (workflow: Workflow, id: number) => (workflow.definitions as { subgraphs: { id: string; nodes: WorkflowNode[] }[] }).subgraphs.find((definition) => definition.id === PROMPTS_ID)!.nodes.find((node) => node.id === id)!.widgets.seed;
const promoted = (workflow: Workflow, id: number) => workflow.nodes.find((node) => node.id === id)!.properties[SUBGRAPH_WIDGET_VALUES_PROPERTY];

describe('after Queue, inside subgraphs', () => {
  const workflow = workflowWithSeeds();
  const moves = subgraphControlMoves(workflow, schemas, () => 0.5);
  const after = withSubgraphControlMoves(workflow, moves);

  test('an inner seed moves once per instance, in its definition', () => {
    assert.deepEqual(moves.filter((move) => move.kind === 'inner').map((move) => [move.definitionId, move.nodeId, move.widget, move.value]), [[PROMPTS_ID, INNER_SEED, 'seed', 102]]);
    assert.equal(innerSeed(after, INNER_SEED), 102);
  });

  test('a promoted seed moves on each instance by the inner widget\'s control; the inner one it feeds stays', () => {
    assert.deepEqual(moves.filter((move) => move.kind === 'promoted').map((move) => [move.instanceId, move.input, move.value]), [[INSTANCE_ID, 'seed', 41], [SECOND_INSTANCE, 'seed', 61]]);
    assert.deepEqual([promoted(after, INSTANCE_ID), promoted(after, SECOND_INSTANCE)], [['a promoted prompt', 41], ['another prompt', 61]]);
    assert.equal(innerSeed(after, PROMOTED_SEED), 500);
  });

  test('a second Queue moves on from the moved values', () => {
    const again = withSubgraphControlMoves(after, subgraphControlMoves(after, schemas));
    assert.deepEqual([innerSeed(again, INNER_SEED), promoted(again, INSTANCE_ID)], [104, ['a promoted prompt', 42]]);
  });
});
