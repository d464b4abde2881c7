import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workflowToPrompt } from '../../../app/engine/workflow-to-prompt.js';
import { NODE_MODES, SUBGRAPH_INPUT_NODE_ID, SUBGRAPH_OUTPUT_NODE_ID, type Workflow, type WorkflowNode } from '../../../app/protocol/index.js';
import { createNodeRegistry } from '../../../nodes/index.js';
import { directVariant } from '../../../renderer/src/compare/direct-variant.js';
import { schemas, shippedWorkflow } from '../workflow/workflow-file.js';

test('Direct bypasses the active ScaleCrafter nodes (ReDilate, NoiseDampedCFG) and nothing else', () => {
  const workflow = shippedWorkflow('scalecrafter-16x.json');
  const { workflow: direct, bypassed } = directVariant(workflow, schemas);
  assert.deepEqual(bypassed, workflow.nodes.filter((node) => ['ReDilate', 'NoiseDampedCFG'].includes(node.type)).map((node) => String(node.id)));
  for (const [index, node] of direct.nodes.entries()) {
    assert.equal(node.mode, bypassed.includes(String(node.id)) ? NODE_MODES.bypass : workflow.nodes[index]!.mode);
    assert.deepEqual(node.widgets, workflow.nodes[index]!.widgets);
  }
  assert.deepEqual(direct.links, workflow.links);
  // The canvas's graph itself is left as it was.
  assert.ok(workflow.nodes.every((node) => node.mode === NODE_MODES.always));
});

test('a muted ScaleCrafter node stays muted, and a workflow without one has nothing to compare', () => {
  const workflow = shippedWorkflow('scalecrafter-4x.json');
  const muted = { ...workflow, nodes: workflow.nodes.map((node) => (node.type === 'ReDilate' ? { ...node, mode: NODE_MODES.never } : node)) };
  const variant = directVariant(muted, schemas);
  assert.deepEqual(variant.bypassed, []);
  assert.equal(variant.workflow.nodes.find((node) => node.type === 'ReDilate')!.mode, NODE_MODES.never);
  assert.deepEqual(directVariant(shippedWorkflow('default.json'), schemas).bypassed, []);
});

/**
 * scalecrafter-4x.json (LoadCheckpoint 1 → ReDilate 8 → Sampler 5) with its ReDilate moved into a
 * subgraph "Patch" (MODEL in, MODEL out), whose instance takes its place; `nested`: Patch holds it
 * through an instance of a second definition, nested in Patch's own.
 */
function withReDilateInSubgraph(nested: boolean): Workflow {
  const workflow = shippedWorkflow('scalecrafter-4x.json');
  const reDilate = workflow.nodes.find((node) => node.type === 'ReDilate')!;
  const inner = { ...structuredClone(reDilate), id: 1, inputs: [{ ...reDilate.inputs[0]!, link: 1 }], outputs: [{ ...reDilate.outputs[0]!, links: [2] }] };
  const boundary = (id: string, node: WorkflowNode) => ({
    id, name: id, inputs: [{ name: 'model', type: 'MODEL' }], outputs: [{ name: 'MODEL', type: 'MODEL' }], nodes: [node],
    links: [
      { id: 1, origin_id: SUBGRAPH_INPUT_NODE_ID, origin_slot: 0, target_id: 1, target_slot: 0, type: 'MODEL' },
      { id: 2, origin_id: 1, origin_slot: 0, target_id: SUBGRAPH_OUTPUT_NODE_ID, target_slot: 0, type: 'MODEL' },
    ],
  });
  const instanceOf = (type: string, id: number, links: [number | null, number[]]): WorkflowNode => ({ ...structuredClone(reDilate), id, type, widgets: {}, inputs: [{ name: 'model', type: 'MODEL', link: links[0] }], outputs: [{ name: 'MODEL', type: 'MODEL', links: links[1] }] });
  const patch = nested ? { ...boundary('patch', instanceOf('inner-patch', 1, [1, [2]])), definitions: { subgraphs: [boundary('inner-patch', inner)] } } : boundary('patch', inner);
  workflow.nodes = workflow.nodes.map((node) => (node === reDilate ? instanceOf('patch', reDilate.id, [reDilate.inputs[0]!.link!, reDilate.outputs[0]!.links!]) : node));
  return { ...workflow, definitions: { subgraphs: [patch] } };
}

test('Direct bypasses ScaleCrafter nodes inside subgraphs too, nested ones included: the engine runs no ReDilate', () => {
  const registry = createNodeRegistry();
  for (const nested of [false, true]) {
    const workflow = withReDilateInSubgraph(nested);
    const types = (flat: Workflow) => Object.values(workflowToPrompt(flat, registry)).map((node) => node.class_type).sort();
    assert.ok(types(workflow).includes('ReDilate'), 'the subgraph runs its ReDilate as it is');
    const { workflow: direct, bypassed } = directVariant(workflow, schemas);
    assert.deepEqual(bypassed, [nested ? 'inner-patch/1' : 'patch/1']);
    assert.deepEqual(types(direct), types(directVariant(shippedWorkflow('scalecrafter-4x.json'), schemas).workflow));
    // The canvas's workflow itself is left as it was.
    assert.equal(JSON.stringify(workflow), JSON.stringify(withReDilateInSubgraph(nested)));
  }
});
