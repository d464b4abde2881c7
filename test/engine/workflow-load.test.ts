import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseWorkflowText, loadWorkflow } from '../../app/engine/workflow-load.js';
import { createNodeRegistry } from '../../nodes/index.js';
import { WorkflowBuilder } from '../support/workflow-builder.js';

const registry = createNodeRegistry();

function sample() {
  const graph = new WorkflowBuilder(registry);
  graph.add('PrimitiveString', { value: 'hi' });
  graph.add('ShowText');
  graph.connect(1, 0, 2, 'text');
  return graph.build();
}

describe('loading workflow files', () => {
  test('a saved workflow loads back unchanged, unknown keys included', () => {
    const workflow = { ...sample(), extra: { ds: { scale: 1.2, offset: [3, 4] } }, groups: [{ title: 'inputs', bounding: [0, 0, 300, 200] as [number, number, number, number], color: '#335' }] };
    const withExtras = { ...workflow, nodes: workflow.nodes.map((node) => ({ ...node, color: '#223', bgcolor: '#335' })) };
    const loaded = parseWorkflowText(JSON.stringify(withExtras), registry);
    assert.ok(loaded.ok);
    assert.deepEqual(loaded.workflow, withExtras);
  });

  test('malformed JSON', () => {
    const loaded = parseWorkflowText('{"format": "scalecrafter-workflow", nodes: []}', registry);
    assert.ok(!loaded.ok);
    assert.equal(loaded.issues[0]!.code, 'malformed_json');
  });

  test('truncated JSON says it looks truncated', () => {
    const text = JSON.stringify(sample());
    const loaded = parseWorkflowText(text.slice(0, text.length / 2), registry);
    assert.ok(!loaded.ok);
    assert.equal(loaded.issues[0]!.code, 'malformed_json');
    assert.match(loaded.issues[0]!.hint!, /truncated/);
  });

  test('not an object', () => {
    for (const json of [[], 'workflow', null, 3]) {
      const loaded = loadWorkflow(json, registry);
      assert.ok(!loaded.ok);
      assert.equal(loaded.issues[0]!.code, 'invalid_workflow');
    }
  });

  test('wrong types inside the JSON are reported with the node and the field', () => {
    const workflow = sample() as unknown as { nodes: Array<Record<string, unknown>> };
    workflow.nodes[1]!.pos = 'left';
    workflow.nodes[0]!.widgets = { value: { nested: true } };
    const loaded = loadWorkflow(workflow, registry);
    assert.ok(!loaded.ok);
    const found = loaded.issues.map(({ nodeId, nodeType, field }) => ({ nodeId, nodeType, field }));
    assert.deepEqual(found, [
      { nodeId: '1', nodeType: 'PrimitiveString', field: 'value' },
      { nodeId: '2', nodeType: 'ShowText', field: 'pos' },
    ]);
  });

  test('links that point at missing nodes or missing links', () => {
    const workflow = sample();
    workflow.links[0]!.origin_id = 42;
    workflow.nodes[1]!.inputs[0]!.link = 7;
    const loaded = loadWorkflow(workflow, registry);
    assert.ok(!loaded.ok);
    assert.deepEqual(loaded.issues.map((issue) => issue.code), ['dangling_link', 'dangling_link']);
    assert.equal(loaded.issues[1]!.field, 'text');
  });

  test('duplicate node ids', () => {
    const workflow = sample();
    workflow.nodes[1]!.id = 1;
    const loaded = loadWorkflow(workflow, registry);
    assert.ok(!loaded.ok);
    assert.match(loaded.issues[0]!.message, /node id 1 is used twice/);
  });

  test('a file from a newer app version is refused with a hint to update', () => {
    const loaded = loadWorkflow({ ...sample(), version: 99 }, registry);
    assert.ok(!loaded.ok);
    assert.match(loaded.issues[0]!.hint!, /update/i);
  });

  test('unknown node types are reported by name and kept', () => {
    const workflow = sample();
    workflow.nodes.push({ ...workflow.nodes[0]!, id: 3, type: 'FancyCustomNode', widgets: { strength: 0.5 } });
    const loaded = loadWorkflow(workflow, registry);
    assert.ok(loaded.ok);
    assert.deepEqual(loaded.unknownTypes, ['FancyCustomNode']);
    assert.equal(loaded.workflow.nodes.find((node) => node.id === 3)?.widgets.strength, 0.5);
  });
});
