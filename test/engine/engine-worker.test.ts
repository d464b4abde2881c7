import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EngineClient } from '../../app/engine/engine-client.js';
import type { EngineEvent } from '../../app/protocol/index.js';
import { createNodeRegistry } from '../../nodes/index.js';
import { WorkflowBuilder } from '../support/workflow-builder.js';

const registry = createNodeRegistry();
const outputDir = mkdtempSync(path.join(tmpdir(), 'scalecrafter-worker-'));
const options = { outputDir };

function delayed(text: string, seconds: number) {
  const graph = new WorkflowBuilder(registry);
  graph.add('PrimitiveString', { value: text });
  graph.add('Delay', { seconds });
  graph.connect(1, 0, 2, 'text');
  graph.add('ShowText');
  graph.connect(2, 0, 3, 'text');
  return graph.build();
}

function failing() {
  const graph = new WorkflowBuilder(registry);
  graph.add('PrimitiveString', { value: 'not a number' });
  graph.add('TextToNumber');
  graph.connect(1, 0, 2, 'text');
  graph.add('NumberToText');
  graph.connect(2, 0, 3, 'value');
  graph.add('ShowText');
  graph.connect(3, 0, 4, 'text');
  return graph.build();
}

describe('the engine in its worker thread', () => {
  let engine: EngineClient;
  const events: EngineEvent[] = [];
  before(async () => {
    engine = await EngineClient.start();
    engine.onEvent((event) => events.push(event));
  });
  after(() => engine.close());

  const enqueue = async (workflow: unknown) => {
    const result = await engine.request('enqueue', { workflow, options, overrides: [] });
    assert.ok(result.ok, JSON.stringify(result));
    return result.jobId;
  };

  test('node schemas come from the worker', async () => {
    const schemas = await engine.request('nodeSchemas', {});
    assert.ok(schemas.some((schema) => schema.type === 'ShowText' && schema.outputNode));
  });

  test('jobs run one at a time in FIFO order, and history lists them newest first', async () => {
    const ids = [await enqueue(delayed('a', 0.15)), await enqueue(delayed('b', 0)), await enqueue(delayed('c', 0))];
    const snapshot = await engine.request('queue', {});
    assert.equal(snapshot.running?.jobId ?? snapshot.pending[0]?.jobId, ids[0]);
    await engine.waitForJob(ids[2]!);
    const order = events.filter((event) => event.type === 'started' && ids.includes(event.jobId)).map((event) => event.jobId);
    assert.deepEqual(order, ids);
    // Each job starts only after the previous one is done.
    for (let index = 1; index < ids.length; index++) {
      const previousDone = events.findIndex((event) => event.type === 'done' && event.jobId === ids[index - 1]);
      const started = events.findIndex((event) => event.type === 'started' && event.jobId === ids[index]);
      assert.ok(previousDone >= 0 && previousDone < started);
    }
    const history = await engine.request('history', { limit: 3 });
    assert.deepEqual(history.map((entry) => entry.jobId), [...ids].reverse());
    assert.deepEqual(history[2]!.outputs, { '3': { text: ['a'] } });
  });

  test('a job queued at the front runs before the jobs already waiting, after the running one', async () => {
    const running = await enqueue(delayed('running', 0.3));
    const waiting = [await enqueue(delayed('first in line', 0)), await enqueue(delayed('second in line', 0))];
    const front = await engine.request('enqueue', { workflow: delayed('front', 0), options: { ...options, front: true }, overrides: [] });
    assert.ok(front.ok);
    assert.equal(front.position, 1, 'next after the running job');
    const snapshot = await engine.request('queue', {});
    assert.deepEqual(snapshot.pending.map((job) => job.jobId), [front.jobId, ...waiting]);
    await engine.waitForJob(waiting[1]!);
    const ids = [running, front.jobId, ...waiting];
    const order = events.filter((event) => event.type === 'started' && ids.includes(event.jobId)).map((event) => event.jobId);
    assert.deepEqual(order, ids);
  });

  test('node schemas name the ComfyUI nodes they stand in for', async () => {
    const schemas = await engine.request('nodeSchemas', {});
    const namesOf = (type: string) => schemas.find((schema) => schema.type === type)?.comfyNames ?? [];
    assert.deepEqual(namesOf('Sampler'), ['KSampler']);
    assert.deepEqual(namesOf('TextEncode'), ['CLIPTextEncode', 'CLIP Text Encode (Prompt)']);
    assert.deepEqual(namesOf('LoadCheckpoint'), ['CheckpointLoaderSimple', 'Load Checkpoint']);
    assert.equal(schemas.find((schema) => schema.type === 'ShowText')?.comfyNames, undefined, 'a node with no ComfyUI counterpart');
  });

  test('cancelling a running job stops it mid-node; cancelling a pending one removes it', async () => {
    const running = await enqueue(delayed('slow', 30));
    const pending = await enqueue(delayed('never', 0));
    await new Promise<void>((resolve) => {
      const dispose = engine.onEvent((event) => {
        if (event.type === 'progress' && event.jobId === running && event.value > 0) {
          dispose();
          resolve();
        }
      });
    });
    assert.deepEqual(await engine.request('cancel', { jobId: pending }), { cancelled: true });
    const startedCancel = Date.now();
    assert.deepEqual(await engine.request('cancel', { jobId: running }), { cancelled: true });
    const end = await engine.waitForJob(running);
    assert.equal(end.type, 'cancelled');
    assert.ok(Date.now() - startedCancel < 2000, 'the long node noticed the cancel promptly');
    assert.ok(!events.some((event) => event.jobId === pending && event.type === 'started'));
    assert.deepEqual(await engine.request('cancel', { jobId: running }), { cancelled: false });
    const [latest] = await engine.request('history', { limit: 1 });
    assert.equal(latest!.status, 'cancelled');
  });

  test('a node that throws fails its job; the worker survives and runs the next job', async () => {
    const broken = await enqueue(failing());
    const end = await engine.waitForJob(broken);
    assert.equal(end.type, 'error');
    assert.ok(end.type === 'error' && end.failure.nodeId === '2' && end.failure.field === 'text');
    const next = await enqueue(delayed('still alive', 0));
    assert.equal((await engine.waitForJob(next)).type, 'done');
  });

  test('an invalid workflow is answered with per-node issues, not queued', async () => {
    const graph = new WorkflowBuilder(registry);
    graph.add('ShowText');
    const result = await engine.request('enqueue', { workflow: graph.build(), options, overrides: [] });
    assert.ok(!result.ok);
    assert.deepEqual(result.issues.map(({ code, nodeId, field }) => ({ code, nodeId, field })), [{ code: 'missing_input', nodeId: '1', field: 'text' }]);
  });

  test('a request with malformed parameters is rejected by the worker\'s schema check', async () => {
    await assert.rejects(engine.request('cancel', { jobId: 42 } as never), /bad parameters for "cancel"/);
    assert.deepEqual((await engine.request('queue', {})).running, null);
  });
});
