import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HistoryEntry, LoadWorkflowResult } from '../../app/protocol/index.js';
import { EngineHarness } from '../support/engine-harness.js';
import { textAsNumber } from '../support/text-workflows.js';
import { WorkflowBuilder } from '../support/workflow-builder.js';

/** 1 → 2 → 3 → 4 (ShowText) and 5 → 6 ← 3, 6 → 7 (ShowText): two outputs sharing a branch. */
function diamond(engine: EngineHarness) {
  const graph = new WorkflowBuilder(engine.registry);
  const number = graph.add('PrimitiveFloat', { value: 3 });
  const product = graph.add('MathFloat', { op: 'multiply', b: 4 });
  graph.connect(number, 0, product, 'a');
  const asText = graph.add('NumberToText', { decimals: 1 });
  graph.connect(product, 0, asText, 'value');
  const show = graph.add('ShowText');
  graph.connect(asText, 0, show, 'text');
  const greeting = graph.add('PrimitiveString', { value: 'hello' });
  const joined = graph.add('TextConcat', { separator: ' ' });
  graph.connect(greeting, 0, joined, 'first');
  graph.connect(asText, 0, joined, 'second');
  const showJoined = graph.add('ShowText');
  graph.connect(joined, 0, showJoined, 'text');
  return graph;
}

describe('executor caching', () => {
  test('a second identical run executes nothing and replays the outputs', async () => {
    const engine = new EngineHarness();
    const workflow = diamond(engine).build();
    const first = await engine.run(workflow);
    assert.deepEqual(first.executed, ['1', '2', '3', '4', '5', '6', '7']);
    assert.deepEqual(first.outputOf('7'), { text: ['hello 12.0'] });

    const second = await engine.run(workflow);
    assert.deepEqual(second.executed, []);
    assert.deepEqual(second.cached.sort(), ['1', '2', '3', '4', '5', '6', '7']);
    assert.deepEqual(second.outputOf('7'), { text: ['hello 12.0'] });
    assert.equal(second.end.type, 'done');
  });

  test('changing one widget re-runs exactly that node and its descendants', async () => {
    const engine = new EngineHarness();
    const graph = diamond(engine);
    await engine.run(graph.build());

    graph.node(5).widgets.value = 'goodbye';
    const textChanged = await engine.run(graph.build());
    assert.deepEqual(textChanged.executed, ['5', '6', '7']);
    assert.deepEqual(textChanged.cached.sort(), ['1', '2', '3', '4']);
    assert.deepEqual(textChanged.outputOf('7'), { text: ['goodbye 12.0'] });

    graph.node(2).widgets.b = 5;
    const numberChanged = await engine.run(graph.build());
    assert.deepEqual(numberChanged.executed, ['2', '3', '4', '6', '7']);
    assert.deepEqual(numberChanged.cached.sort(), ['1', '5']);
    assert.deepEqual(numberChanged.outputOf('4'), { text: ['15.0'] });
  });

  test('a change that is then undone hits the cache again only for what the last run kept', async () => {
    const engine = new EngineHarness();
    const graph = diamond(engine);
    await engine.run(graph.build());
    graph.node(1).widgets.value = 2;
    await engine.run(graph.build());
    graph.node(1).widgets.value = 3;
    // The cache keeps the latest job's entries only: the value-3 branch was dropped and re-runs.
    const back = await engine.run(graph.build());
    assert.deepEqual(back.executed, ['1', '2', '3', '4', '6', '7']);
    assert.deepEqual(back.cached, ['5']);
  });

  test('non-idempotent nodes and their descendants always re-run', async () => {
    const engine = new EngineHarness();
    const graph = new WorkflowBuilder(engine.registry);
    const clock = graph.add('Timestamp', { format: 'unix_ms' });
    const label = graph.add('PrimitiveString', { value: 'run at' });
    const joined = graph.add('TextConcat', { separator: ' ' });
    graph.connect(label, 0, joined, 'first');
    graph.connect(clock, 0, joined, 'second');
    graph.add('ShowText');
    graph.connect(joined, 0, 4, 'text');
    const workflow = graph.build();
    await engine.run(workflow);
    const again = await engine.run(workflow);
    assert.deepEqual(again.executed, ['1', '3', '4']);
    assert.deepEqual(again.cached, ['2']);
  });
});

describe('executor order and graph shapes', () => {
  test('dependencies run before dependants even when listed after them', async () => {
    const engine = new EngineHarness();
    const graph = new WorkflowBuilder(engine.registry);
    graph.add('ShowText', {}, { id: 1 });
    graph.add('NumberToText', { decimals: 0 }, { id: 2 });
    graph.add('PrimitiveFloat', { value: 7 }, { id: 3 });
    graph.connect(3, 0, 2, 'value');
    graph.connect(2, 0, 1, 'text');
    const job = await engine.run(graph.build());
    assert.deepEqual(job.executed, ['3', '2', '1']);
    assert.deepEqual(job.outputOf('1'), { text: ['7'] });
  });

  test('nodes no output needs are not run', async () => {
    const engine = new EngineHarness();
    const graph = diamond(engine);
    graph.add('PrimitiveFloat', { value: 1 });
    const job = await engine.run(graph.build());
    assert.ok(!job.executed.includes('8'));
  });

  test('a bypassed node passes its input of the same type through', async () => {
    const engine = new EngineHarness();
    const graph = diamond(engine);
    graph.node(2).mode = 4;
    const job = await engine.run(graph.build());
    assert.ok(!job.executed.includes('2'));
    assert.deepEqual(job.outputOf('4'), { text: ['3.0'] });
  });

  test('a muted node leaves the inputs it fed unconnected', () => {
    const engine = new EngineHarness();
    const graph = diamond(engine);
    graph.node(1).mode = 2;
    const result = engine.enqueue(graph.build());
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.issues.some((issue) => issue.nodeId === '2' && issue.field === 'a' && issue.code === 'missing_input'));
  });

  test('a linked widget input takes the linked value over the stored widget value', async () => {
    const engine = new EngineHarness();
    const graph = diamond(engine);
    graph.node(2).widgets.a = 100; // stale widget value under the link from node 1
    const job = await engine.run(graph.build());
    assert.deepEqual(job.outputOf('4'), { text: ['12.0'] });
  });

  test('--set style overrides change a widget for one run and are validated', async () => {
    const engine = new EngineHarness();
    const workflow = diamond(engine).build();
    const queued = engine.enqueue(workflow, [{ nodeId: '2', field: 'b', value: 10 }]);
    assert.ok(queued.ok);
    await engine.service.whenIdle();
    const output = engine.events.find((event) => event.type === 'output' && event.nodeId === '4');
    assert.deepEqual(output && output.type === 'output' && output.ui, { text: ['30.0'] });
    const bad = engine.enqueue(workflow, [{ nodeId: '2', field: 'nope', value: 1 }, { nodeId: '99', field: 'b', value: 1 }]);
    assert.ok(!bad.ok);
    assert.deepEqual(bad.issues.map((issue) => [issue.nodeId, issue.field, issue.code]), [['2', 'nope', 'unknown_input'], ['99', 'b', 'invalid_value']]);
  });
});

describe('executor failures', () => {
  test('a node that throws fails the job on that node with its field, and the engine runs the next job', async () => {
    const engine = new EngineHarness();
    const failed = await engine.run(textAsNumber(engine.registry, 'twelve'));
    assert.equal(failed.end.type, 'error');
    assert.ok(failed.end.type === 'error');
    assert.equal(failed.end.failure.nodeId, '2');
    assert.equal(failed.end.failure.nodeType, 'TextToNumber');
    assert.equal(failed.end.failure.field, 'text');
    assert.match(failed.end.failure.message, /"twelve" is not a number/);
    assert.deepEqual(failed.executed, ['1', '2']);

    const fixed = await engine.run(textAsNumber(engine.registry, '12'));
    assert.equal(fixed.end.type, 'done');
    assert.deepEqual(fixed.executed, ['1', '2', '3', '4'], 'the fixed node and everything after it run');
    const history = engine.service.handle('history', {}) as Array<{ status: string; failure?: { nodeId: string } }>;
    assert.deepEqual(history.map((entry) => entry.status), ['success', 'error']);
    assert.equal(history[1]!.failure?.nodeId, '2');
  });
});

describe('history', () => {
  test('each finished job keeps the workflow it was queued with, layout included, for "Open"', async () => {
    const engine = new EngineHarness();
    const graph = diamond(engine);
    graph.node(5).pos = [321, 654];
    const workflow = graph.build();
    await engine.run(workflow);
    const [entry] = engine.service.handle('history', {}) as HistoryEntry[];
    const loaded = engine.service.handle('loadWorkflow', { workflow }) as LoadWorkflowResult;
    assert.ok(loaded.ok);
    assert.deepEqual(entry!.workflow, loaded.workflow);
    assert.deepEqual(entry!.workflow.nodes.find((node) => node.id === 5)?.pos, [321, 654]);
  });
});
