import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forkEngineProcess } from '../../app/engine/child-process-engine.js';
import { EngineClient } from '../../app/engine/engine-client.js';
import { createNodeRegistry } from '../../nodes/index.js';
import { abortProcess } from '../support/abort-process-node.js';
import { EngineProcessSuite } from '../support/engine-process-suite.js';
import { delayedText } from '../support/text-workflows.js';
import { WorkflowBuilder } from '../support/workflow-builder.js';

const registry = createNodeRegistry();
registry.register(abortProcess);
const abortingEntry = new URL('../support/aborting-engine-main.ts', import.meta.url);

const delayed = (text: string, seconds: number) => delayedText(registry, text, seconds);

/** Waits a moment (so the next job is queued behind it), then aborts the engine process in node 3. */
function aborting() {
  const graph = new WorkflowBuilder(registry);
  graph.add('PrimitiveString', { value: 'never shown' });
  graph.add('Delay', { seconds: 0.5 });
  graph.connect(1, 0, 2, 'text');
  graph.add('AbortProcess');
  graph.connect(2, 0, 3, 'text');
  graph.add('ShowText');
  graph.connect(3, 0, 4, 'text');
  return graph.build();
}

describe('when the engine process dies', () => {
  const suite = new EngineProcessSuite({ launch: (config) => forkEngineProcess(config, abortingEntry) });
  const { events } = suite;
  const enqueue = (workflow: unknown) => suite.enqueue(workflow);
  const progressOf = (jobId: string) => suite.nextEvent((event) => event.type === 'progress' && event.jobId === jobId && event.value > 0);

  test('killed mid-node (SIGKILL): that job fails naming the node; the waiting jobs run in a new process under their own ids', async () => {
    const killed = await enqueue(delayed('killed', 30));
    const slow = await enqueue(delayed('cancelled later', 30));
    const quick = await enqueue(delayed('quick', 0));
    await progressOf(killed);
    const firstPid = suite.engine.pid!;
    process.kill(firstPid, 'SIGKILL');

    const end = await suite.engine.waitForJob(killed);
    assert.equal(end.type, 'error');
    assert.ok(end.type === 'error');
    assert.equal(end.failure.message, 'the engine process stopped (signal SIGKILL) while running node 2 (Delay)');
    assert.deepEqual([end.failure.nodeId, end.failure.nodeType], ['2', 'Delay']);
    assert.ok(end.failure.hint);

    // The queue went on in the new process: the job that waited behind the killed one runs, under its first id.
    await progressOf(slow);
    assert.notEqual(suite.engine.pid, firstPid);
    assert.deepEqual((await suite.engine.request('queue', {})).running?.jobId, slow);
    assert.deepEqual(await suite.engine.request('cancel', { jobId: slow }), { cancelled: true });
    assert.equal((await suite.engine.waitForJob(slow)).type, 'cancelled');
    assert.equal((await suite.engine.waitForJob(quick)).type, 'done');
    const output = events.find((event) => event.type === 'output' && event.jobId === quick);
    assert.deepEqual(output?.type === 'output' && output.ui, { text: ['quick'] });
    const history = await suite.engine.request('history', { limit: 2 });
    assert.deepEqual(history.map((entry) => [entry.jobId, entry.status]), [[quick, 'success'], [slow, 'cancelled']]);
    assert.equal(events.filter((event) => event.jobId === killed && (event.type === 'error' || event.type === 'done')).length, 1);
  });

  test('a node that aborts natively (SIGABRT) fails its job with the reason; the next job runs', async () => {
    const crashing = await enqueue(aborting());
    const next = await enqueue(delayed('after the crash', 0));
    const end = await suite.engine.waitForJob(crashing);
    assert.ok(end.type === 'error', JSON.stringify(end));
    assert.equal(end.failure.message, 'the engine process stopped (signal SIGABRT) while running node 3 (AbortProcess)');
    assert.equal((await suite.engine.waitForJob(next)).type, 'done');
    assert.ok((await suite.engine.request('nodeSchemas', {})).some((schema) => schema.type === 'AbortProcess'));
  });

  test('a request the engine had not answered when it died is rejected with the reason; the next one waits for the new process', async () => {
    process.kill(suite.engine.pid!, 'SIGKILL');
    // Sent after the kill, so no engine can answer it.
    await assert.rejects(suite.engine.request('queue', {}), { message: 'the engine process stopped (signal SIGKILL) before it answered; it restarts by itself, so ask again' });
    assert.deepEqual(await suite.engine.request('queue', {}), { running: null, pending: [] });
  });
});

describe('an engine that cannot start', () => {
  test('is reported by start(), with how its process ended', async () => {
    const missing = new URL('file:///nonexistent/engine-main.js');
    await assert.rejects(EngineClient.start({}, { launch: (config) => forkEngineProcess(config, missing) }), /the engine process stopped \(exit code 1\) while starting/);
  });
});

describe('the shipped engine', () => {
  test('has no node that crashes it', async () => {
    const engine = await EngineClient.start();
    try {
      assert.ok(!(await engine.request('nodeSchemas', {})).some((schema) => schema.type === 'AbortProcess'));
    } finally {
      await engine.close();
    }
  });
});
