import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadWorkflow } from '../../../app/engine/workflow-load.js';
import type { Workflow } from '../../../app/protocol/index.js';
import { createNodeRegistry } from '../../../nodes/index.js';
import { controlWidgetName } from '../../../renderer/src/workflow/canvas-state.js';
import { canvasToWorkflow } from '../../../renderer/src/workflow/canvas-to-workflow.js';
import { workflowToCanvas } from '../../../renderer/src/workflow/workflow-to-canvas.js';
import { defaultWorkflow } from '../../support/default-workflow.js';
import { WorkflowBuilder } from '../../support/workflow-builder.js';

const registry = createNodeRegistry();
const schemas = new Map(registry.schemas().map((schema) => [schema.type, schema]));

function loaded(json: unknown): Workflow {
  const result = loadWorkflow(json, registry);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.workflow;
}

describe('workflow file ⇄ canvas graph', () => {
  test('the default workflow survives the round trip unchanged', () => {
    const workflow = loaded(defaultWorkflow());
    assert.deepEqual(canvasToWorkflow(workflowToCanvas(workflow, schemas), schemas), workflow);
  });

  test('keys of the file the canvas does not model survive the round trip, a subgraph definition\'s too', () => {
    const definition = {
      id: 'a7e3c2d1-0000-4000-8000-000000000001', name: 'Prompts', revision: 3, config: {}, inputNode: { id: -10, bounding: [0, 0, 120, 60] },
      state: { lastGroupId: 0, lastNodeId: 0, lastLinkId: 0, lastRerouteId: 0 }, inputs: [], outputs: [], nodes: [], links: [], groups: [],
    };
    const plain = loaded(defaultWorkflow());
    // An instance keeps the definition in the file (one no instance uses is dropped, as ComfyUI drops it).
    const instance = { id: 50, type: definition.id, version: 1, pos: [0, 0] as [number, number], size: [200, 60] as [number, number], mode: 0 as const, inputs: [], outputs: [], widgets: {}, widget_controls: {}, properties: {} };
    const workflow = { ...plain, nodes: [...plain.nodes, instance], last_node_id: 50, definitions: { subgraphs: [definition] }, custom_key: { kept: true } };
    assert.deepEqual(canvasToWorkflow(workflowToCanvas(workflow, schemas), schemas), workflow);
  });

  test('widgets become named canvas widgets, the seed gets its control, sockets keep their links', () => {
    const workflow = loaded(defaultWorkflow());
    const { widgets, widget_controls: controls } = workflow.nodes.find((node) => node.type === 'Sampler')!;
    const canvas = workflowToCanvas(workflow, schemas);
    const sampler = canvas.nodes.find((node) => node.type === 'Sampler')!;
    assert.deepEqual(sampler.widgets.slice(0, 3), [
      { name: 'seed', value: widgets.seed },
      { name: controlWidgetName('seed'), value: controls.seed, controlOf: 'seed' },
      { name: 'steps', value: widgets.steps },
    ]);
    // Sockets first as declared, then one converted-widget slot per widget, unlinked.
    assert.deepEqual(sampler.inputs.slice(0, 5).map((input) => [input.name, input.link !== null, input.widget?.name]), [
      ['model', true, undefined],
      ['positive', true, undefined],
      ['negative', true, undefined],
      ['latent', true, undefined],
      ['seed', false, 'seed'],
    ]);
  });

  test('an Integer (ComfyUI\'s PrimitiveInt) shows its control, fixed unless the file says otherwise, and keeps it', () => {
    const graph = new WorkflowBuilder(registry);
    const stepping = graph.add('PrimitiveInt', { value: 3 });
    graph.add('PrimitiveInt', { value: 4 });
    graph.node(stepping).widget_controls = { value: 'decrement' };
    const workflow = loaded(graph.build());
    const canvas = workflowToCanvas(workflow, schemas);
    assert.deepEqual(canvas.nodes.map((node) => node.widgets.find((widget) => widget.controlOf === 'value')?.value), ['decrement', 'fixed']);
    assert.deepEqual(canvasToWorkflow(canvas, schemas).nodes.map((node) => node.widget_controls), [{ value: 'decrement' }, { value: 'fixed' }]);
  });

  test('a link into a converted widget is re-pointed by name and written back to the file\'s slot', () => {
    const graph = new WorkflowBuilder(registry);
    const first = graph.add('PrimitiveString', { value: 'left' });
    const join = graph.add('TextConcat', { first: 'unused', separator: ' ' });
    graph.add('ShowText');
    graph.connect(first, 0, join, 'second');
    graph.connect(join, 0, 3, 'text');
    const workflow = loaded(graph.build());
    const concat = workflow.nodes.find((node) => node.type === 'TextConcat')!;
    assert.equal(concat.inputs[0]?.name, 'second');
    const canvas = workflowToCanvas(workflow, schemas);
    const canvasConcat = canvas.nodes.find((node) => node.type === 'TextConcat')!;
    const secondIndex = canvasConcat.inputs.findIndex((input) => input.name === 'second');
    assert.equal(secondIndex, 1);
    assert.equal(canvas.links.find((link) => link.target_id === concat.id)?.target_slot, secondIndex);
    assert.deepEqual(canvasToWorkflow(canvas, schemas), workflow);
  });

  test('what this version does not know is kept: unknown keys, unknown node types, removed widgets', () => {
    const workflow = loaded(defaultWorkflow());
    const sampler = workflow.nodes.find((node) => node.type === 'Sampler')!;
    sampler.color_option = 'purple';
    sampler.flags = { collapsed: true, pinned: true };
    sampler.widgets.retired_widget = 3;
    workflow.extra = { ...workflow.extra, written_by: 'a newer version' };
    workflow.groups = [{ title: 'Sampling', bounding: [800, 100, 400, 400], color: '#335', font_size: 24 }];
    workflow.nodes.push({
      id: 99, type: 'SomeoneElsesNode', version: 3, pos: [0, 900], size: [200, 80], mode: 0,
      inputs: [{ name: 'x', type: 'LATENT', link: null }], outputs: [{ name: 'y', type: 'IMAGE', links: [] }],
      widgets: { strength: 0.5 }, widget_controls: { noise_seed: 'increment' }, properties: { note: 1 },
    });
    workflow.last_node_id = 99;
    const roundTripped = canvasToWorkflow(workflowToCanvas(workflow, schemas), schemas);
    assert.deepEqual(roundTripped, workflow);
  });

  test('widgets a file lacks get the schema default, and the display name is not written as a title', () => {
    const workflow = loaded(defaultWorkflow());
    const latent = workflow.nodes.find((node) => node.type === 'EmptyLatentImage')!;
    delete latent.widgets.batch_size;
    const canvas = workflowToCanvas(workflow, schemas);
    const canvasLatent = canvas.nodes.find((node) => node.id === latent.id)!;
    assert.equal(canvasLatent.title, 'Empty Latent Image');
    assert.deepEqual(canvasLatent.widgets.find((widget) => widget.name === 'batch_size'), { name: 'batch_size', value: 1 });
    const written = canvasToWorkflow(canvas, schemas).nodes.find((node) => node.id === latent.id)!;
    assert.equal(written.title, undefined);
    assert.equal(written.widgets.batch_size, 1);
  });
});
