/**
 * Subgraphs on the canvas's plain graph (renderer/src/workflow/subgraph-*.ts): an instance's title and
 * promoted values, each definition's contents as a graph of their own, and saving them back where the
 * file had them — checked against the engine's own expansion (workflow → prompt) of what is saved.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadWorkflow } from '../../../app/engine/workflow-load.js';
import { workflowToPrompt } from '../../../app/engine/workflow-to-prompt.js';
import { SUBGRAPH_INPUT_NODE_ID, SUBGRAPH_WIDGET_VALUES_PROPERTY, type Workflow } from '../../../app/protocol/index.js';
import { createNodeRegistry } from '../../../nodes/index.js';
import type { CanvasGraph } from '../../../renderer/src/workflow/canvas-state.js';
import { canvasToWorkflow } from '../../../renderer/src/workflow/canvas-to-workflow.js';
import { workflowToCanvas } from '../../../renderer/src/workflow/workflow-to-canvas.js';
import { INNER_TEXT, INSTANCE_ID, NEGATIVE_ID, POSITIVE_ID, PROMPTS_ID, subgraphWorkflow } from '../../support/subgraph-workflow.js';

const registry = createNodeRegistry();
const schemas = new Map(registry.schemas().map((schema) => [schema.type, schema]));
const PROMOTED = 'grinning face';

function loaded(json: unknown): Workflow {
  const result = loadWorkflow(json, registry);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.workflow;
}

type Definition = Record<string, unknown> & { id: string; nodes: Workflow['nodes']; links: Workflow['links']; definitions?: { subgraphs: Definition[] } };
const definitionsOf = (workflow: Workflow) => (workflow.definitions as { subgraphs: Definition[] }).subgraphs;
/** A bare instance (no slots) of the definition `type`. */
const instanceOf = (type: string, id: number): Workflow['nodes'][number] => ({ id, type, version: 1, pos: [0, 0], size: [200, 60], mode: 0, inputs: [], outputs: [], widgets: {}, widget_controls: {}, properties: {} });
const roundTrip = (workflow: Workflow) => canvasToWorkflow(workflowToCanvas(workflow, schemas), schemas);
/** The prompt's text encoders, by execution id: the text each one gets. */
const encodedTexts = (workflow: Workflow) =>
  Object.fromEntries(Object.entries(workflowToPrompt(workflow, registry)).filter(([, node]) => node.class_type === 'TextEncode').map(([id, node]) => [id, node.inputs.text]));

describe('subgraphs on the canvas\'s graph', () => {
  test('an instance is titled by its definition and holds its promoted value as a widget', () => {
    const canvas = workflowToCanvas(loaded(subgraphWorkflow(PROMOTED)), schemas);
    const instance = canvas.nodes.find((node) => node.id === INSTANCE_ID)!;
    assert.equal(instance.title, 'Prompts');
    assert.deepEqual(instance.widgets, [{ name: 'text', value: PROMOTED }]);
    assert.equal(instance.properties[SUBGRAPH_WIDGET_VALUES_PROPERTY], undefined);
    assert.deepEqual(canvas.subgraphs.map((subgraph) => [subgraph.id, subgraph.name, subgraph.inputs.map((slot) => [slot.name, slot.linkIds]), subgraph.outputs.map((slot) => [slot.name, slot.linkIds])]), [
      [PROMPTS_ID, 'Prompts', [['clip', [1, 2]], ['text', [3]]], [['positive', [4]], ['negative', [5]]]],
    ]);
    // The definition's encoders get today's sockets: the text slot sits where the schema puts it.
    const positive = canvas.subgraphs[0]!.graph.nodes.find((node) => node.id === POSITIVE_ID)!;
    const textSlot = positive.inputs.findIndex((input) => input.name === 'text');
    assert.equal(canvas.subgraphs[0]!.graph.links.find((link) => link.id === 3)!.target_slot, textSlot);
  });

  test('saving writes the same workflow back, the instance\'s value where the engine reads it', () => {
    const workflow = loaded(subgraphWorkflow(PROMOTED));
    const saved = roundTrip(workflow);
    assert.deepEqual(saved.nodes, workflow.nodes);
    assert.deepEqual(saved.links, workflow.links);
    const [definition] = definitionsOf(saved);
    const [original] = definitionsOf(workflow);
    assert.deepEqual({ ...definition, inputs: undefined, outputs: undefined, groups: undefined }, { ...original, inputs: undefined, outputs: undefined, groups: undefined });
    assert.deepEqual(definition!.inputs, [{ name: 'clip', type: 'CLIP', linkIds: [1, 2] }, { name: 'text', type: 'STRING', linkIds: [3] }]);
    assert.deepEqual(roundTrip(saved), saved, 'a second round trip changes nothing');
    assert.deepEqual(encodedTexts(saved), { [`${INSTANCE_ID}:${POSITIVE_ID}`]: PROMOTED, [`${INSTANCE_ID}:${NEGATIVE_ID}`]: '' });
  });

  test('a renamed instance keeps its title; an edited promoted value is saved and run', () => {
    const canvas = workflowToCanvas(loaded(subgraphWorkflow(PROMOTED)), schemas);
    const instance = canvas.nodes.find((node) => node.id === INSTANCE_ID)!;
    instance.title = 'My prompts';
    instance.widgets[0]!.value = 'a frog';
    const saved = canvasToWorkflow(canvas, schemas);
    const node = saved.nodes.find((candidate) => candidate.id === INSTANCE_ID)!;
    assert.equal(node.title, 'My prompts');
    assert.deepEqual(node.properties[SUBGRAPH_WIDGET_VALUES_PROPERTY], ['a frog']);
    assert.equal(encodedTexts(saved)[`${INSTANCE_ID}:${POSITIVE_ID}`], 'a frog');
  });

  test('edits inside a definition (a widget, a link removed) are saved into it and are what the engine runs', () => {
    const canvas: CanvasGraph = workflowToCanvas(loaded(subgraphWorkflow(PROMOTED)), schemas);
    const inner = canvas.subgraphs[0]!;
    inner.graph.nodes.find((node) => node.id === NEGATIVE_ID)!.widgets.find((widget) => widget.name === 'text')!.value = 'blurry';
    // Unlink the subgraph's text input from the positive encoder: its own text stands again.
    inner.graph.links = inner.graph.links.filter((link) => link.id !== 3);
    const positive = inner.graph.nodes.find((node) => node.id === POSITIVE_ID)!;
    positive.inputs.find((input) => input.name === 'text')!.link = null;
    inner.inputs[1]!.linkIds = [];
    const saved = canvasToWorkflow(canvas, schemas);
    const [definition] = definitionsOf(saved);
    assert.equal(definition!.nodes.find((node) => node.id === NEGATIVE_ID)!.widgets.text, 'blurry');
    assert.ok(!definition!.links.some((link) => link.origin_id === SUBGRAPH_INPUT_NODE_ID && link.origin_slot === 1));
    assert.deepEqual(definition!.nodes.find((node) => node.id === POSITIVE_ID)!.inputs.map((input) => input.name), ['clip']);
    assert.deepEqual(encodedTexts(saved), { [`${INSTANCE_ID}:${POSITIVE_ID}`]: INNER_TEXT, [`${INSTANCE_ID}:${NEGATIVE_ID}`]: 'blurry' });
  });

  test('a nested definition is written back inside its parent; a new one goes at the top', () => {
    const workflow = loaded(subgraphWorkflow(PROMOTED));
    const [prompts] = definitionsOf(workflow);
    const outer: Definition = { id: 'outer', name: 'Outer', nodes: [], links: [], inputs: [], outputs: [], definitions: { subgraphs: [prompts!] } };
    // An instance of each definition keeps it in the file (unused ones are dropped: the next test).
    const nested = { ...workflow, nodes: [...workflow.nodes, instanceOf('outer', 50)], definitions: { subgraphs: [outer] } };
    const canvas = workflowToCanvas(nested, schemas);
    assert.deepEqual(canvas.subgraphs.map((subgraph) => subgraph.id), ['outer', PROMPTS_ID]);
    canvas.subgraphs[1]!.name = 'Renamed';
    canvas.subgraphs.push({ ...structuredClone(canvas.subgraphs[0]!), id: 'made-here', name: 'New' });
    canvas.nodes.push({ ...structuredClone(canvas.nodes.find((node) => node.id === 50)!), id: 51, type: 'made-here' });
    const saved = definitionsOf(canvasToWorkflow(canvas, schemas));
    assert.deepEqual(saved.map((definition) => definition.id), ['outer', 'made-here']);
    assert.deepEqual(saved[0]!.definitions!.subgraphs.map((definition) => [definition.id, definition.name]), [[PROMPTS_ID, 'Renamed']]);
    assert.equal(encodedTexts(canvasToWorkflow(canvas, schemas))[`${INSTANCE_ID}:${POSITIVE_ID}`], PROMOTED);
  });

  test('definitions no instance uses any more are dropped, nested ones too; one still used anywhere stays, moved up out of a dropped one', () => {
    const workflow = loaded(subgraphWorkflow(PROMOTED));
    const [prompts] = definitionsOf(workflow);
    const inner: Definition = { id: 'inner', name: 'Inner', nodes: [], links: [], inputs: [], outputs: [] };
    const usedInside: Definition = { id: 'used-inside', name: 'Used inside', nodes: [], links: [], inputs: [], outputs: [] };
    const unusedOuter: Definition = { id: 'unused', name: 'Unused', nodes: [instanceOf('inner', 1)], links: [], inputs: [], outputs: [], definitions: { subgraphs: [inner, prompts!] } };
    const user: Definition = { id: 'user', name: 'User', nodes: [instanceOf('used-inside', 1)], links: [], inputs: [], outputs: [], definitions: { subgraphs: [usedInside] } };
    const file = { ...workflow, nodes: [...workflow.nodes, instanceOf('user', 60)], definitions: { subgraphs: [unusedOuter, user] } };
    const saved = roundTrip(loaded(file));
    const ids = (definitions: Definition[]): unknown[] => definitions.map((definition) => (definition.definitions ? [definition.id, ids(definition.definitions.subgraphs)] : definition.id));
    assert.deepEqual(ids(definitionsOf(saved)), [PROMPTS_ID, ['user', ['used-inside']]]);
    assert.equal(encodedTexts(saved)[`${INSTANCE_ID}:${POSITIVE_ID}`], PROMOTED);
    // The last instance deleted: its definition goes with it.
    const withoutInstance = roundTrip({ ...saved, nodes: saved.nodes.filter((node) => node.id !== 60) });
    assert.deepEqual(ids(definitionsOf(withoutInstance)), [PROMPTS_ID]);
  });
});
