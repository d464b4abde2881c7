import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Issue } from '../../app/protocol/index.js';
import { EngineHarness } from '../support/engine-harness.js';
import { WorkflowBuilder } from '../support/workflow-builder.js';

function issuesOf(engine: EngineHarness, workflow: unknown): Issue[] {
  const result = engine.enqueue(workflow);
  assert.equal(result.ok, false, 'the workflow should have been rejected');
  return result.ok ? [] : result.issues;
}

const brief = (issues: Issue[]) => issues.map(({ code, nodeId, field }) => ({ code, nodeId, field }));

function textChain(engine: EngineHarness) {
  const graph = new WorkflowBuilder(engine.registry);
  graph.add('PrimitiveFloat', { value: 1 });
  graph.add('NumberToText', { decimals: 2 });
  graph.connect(1, 0, 2, 'value');
  graph.add('ShowText');
  graph.connect(2, 0, 3, 'text');
  return graph;
}

describe('validation reports each problem on its node and field', () => {
  test('a valid graph is accepted', () => {
    const engine = new EngineHarness();
    assert.deepEqual(engine.service.handle('validate', { workflow: textChain(engine).build() }), { issues: [] });
  });

  test('missing required input', () => {
    const engine = new EngineHarness();
    const graph = new WorkflowBuilder(engine.registry);
    graph.add('ShowText');
    assert.deepEqual(brief(issuesOf(engine, graph.build())), [{ code: 'missing_input', nodeId: '1', field: 'text' }]);
  });

  test('wrong socket type names both ends', () => {
    const engine = new EngineHarness();
    const graph = new WorkflowBuilder(engine.registry);
    graph.add('PrimitiveInt', { value: 4 });
    graph.add('ShowText');
    graph.connect(1, 0, 2, 'text');
    const [issue] = issuesOf(engine, graph.build());
    assert.deepEqual(brief([issue!]), [{ code: 'wrong_type', nodeId: '2', field: 'text' }]);
    assert.match(issue!.message, /expects STRING but is connected to INT output "INT" of node 1 \(PrimitiveInt\)/);
  });

  test('value out of range says the allowed range', () => {
    const engine = new EngineHarness();
    const graph = textChain(engine);
    graph.node(2).widgets.decimals = 50;
    const [issue] = issuesOf(engine, graph.build());
    assert.deepEqual(brief([issue!]), [{ code: 'out_of_range', nodeId: '2', field: 'decimals' }]);
    assert.equal(issue!.hint, 'use a value from 0 to 20');
  });

  test('value not among the options lists them', () => {
    const engine = new EngineHarness();
    const graph = textChain(engine);
    graph.add('MathFloat', { op: 'modulo' }, { id: 9 });
    graph.connect(1, 0, 9, 'a');
    graph.connect(9, 0, 2, 'value');
    const [issue] = issuesOf(engine, graph.build());
    assert.deepEqual(brief([issue!]), [{ code: 'not_in_options', nodeId: '9', field: 'op' }]);
    assert.match(issue!.hint!, /add, subtract, multiply, divide/);
  });

  test('wrong value types inside the JSON: a string for an integer, a number for text, a non-integer INT', () => {
    const engine = new EngineHarness();
    const graph = textChain(engine);
    graph.node(2).widgets.decimals = 'two';
    graph.add('TextConcat', { separator: 3 }, { id: 7 });
    graph.connect(2, 0, 7, 'first');
    graph.add('ShowText', {}, { id: 8 });
    graph.connect(7, 0, 8, 'text');
    graph.add('PrimitiveInt', { value: 1.5 }, { id: 10 });
    graph.add('NumberToText', {}, { id: 11 });
    graph.add('ShowText', {}, { id: 12 });
    graph.connect(11, 0, 12, 'text');
    graph.connect(10, 0, 11, 'decimals');
    graph.connect(1, 0, 11, 'value');
    const issues = issuesOf(engine, graph.build());
    assert.deepEqual(brief(issues).sort((a, b) => Number(a.nodeId) - Number(b.nodeId)), [
      { code: 'wrong_type', nodeId: '2', field: 'decimals' },
      { code: 'wrong_type', nodeId: '7', field: 'separator' },
      { code: 'wrong_type', nodeId: '10', field: 'value' },
    ]);
  });

  test('unknown node type is named', () => {
    const engine = new EngineHarness();
    const graph = textChain(engine);
    graph.add('LoraLoader|pysssss', {}, { id: 5 });
    graph.connect(5, 0, 3, 'text');
    const issues = issuesOf(engine, graph.build());
    assert.deepEqual(brief(issues), [{ code: 'unknown_node_type', nodeId: '5', field: undefined }]);
    assert.match(issues[0]!.message, /"LoraLoader\|pysssss"/);
  });

  test('a cycle is reported on every node in it', () => {
    const engine = new EngineHarness();
    const graph = new WorkflowBuilder(engine.registry);
    graph.add('TextConcat');
    graph.add('TextConcat');
    graph.connect(1, 0, 2, 'first');
    graph.connect(2, 0, 1, 'first');
    graph.add('ShowText');
    graph.connect(2, 0, 3, 'text');
    const issues = issuesOf(engine, graph.build());
    assert.deepEqual(issues.map((issue) => issue.code), ['cycle', 'cycle']);
    assert.deepEqual(issues.map((issue) => issue.nodeId).sort(), ['1', '2']);
  });

  test('a graph without an output node is rejected with a hint', () => {
    const engine = new EngineHarness();
    const graph = new WorkflowBuilder(engine.registry);
    graph.add('PrimitiveFloat');
    const [issue] = issuesOf(engine, graph.build());
    assert.equal(issue!.code, 'no_output_node');
    assert.ok(issue!.hint);
  });

  test('every problem is reported at once', () => {
    const engine = new EngineHarness();
    const graph = textChain(engine);
    graph.node(2).widgets.decimals = -1;
    graph.add('ShowText', {}, { id: 4 });
    assert.deepEqual(brief(issuesOf(engine, graph.build())).map((issue) => issue.code).sort(), ['missing_input', 'out_of_range']);
  });
});
