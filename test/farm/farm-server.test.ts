import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Queue } from 'bullmq';
import { EngineClient } from '../../app/engine/engine-client.js';
import { FARM_API, farmBatchViewSchema, farmFailureOf, farmSubmitResultSchema, type FarmBatchView, type FarmSubmitParams, type FarmSubmitResult } from '../../app/protocol/farm.js';
import { formatIssue, type Workflow } from '../../app/protocol/index.js';
import { startHttpApi, type HttpApi } from '../../app/server/http-api.js';
import { nodeOfType, tinySdWorkflow } from '../support/default-workflow.js';
import { startWorker, type WorkerProcess } from '../support/farm-workers.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { tinyModelsDir } from '../support/tiny-model.js';

const dir = mkdtempSync(path.join(tmpdir(), 'scalecrafter-farm-server-'));
let redis: RedisServer;
let engine: EngineClient;
let api: HttpApi;
const workers: WorkerProcess[] = [];

function smallWorkflow(): Workflow {
  const workflow = tinySdWorkflow();
  Object.assign(nodeOfType(workflow, 'EmptyLatentImage').widgets, { width: 64, height: 64 });
  Object.assign(nodeOfType(workflow, 'Sampler').widgets, { steps: 2 });
  return workflow;
}

async function submit(params: FarmSubmitParams): Promise<FarmSubmitResult> {
  const response = await fetch(new URL(FARM_API.submit, `${api.url}/`), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
  assert.equal(response.status, 200);
  return farmSubmitResultSchema.parse(await response.json());
}

/** Reads the batch's server-sent events until one satisfies `until`. */
async function followUntil(batchId: string, until: (view: FarmBatchView) => boolean): Promise<FarmBatchView[]> {
  const response = await fetch(new URL(FARM_API.events(batchId), `${api.url}/`));
  assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const views: FarmBatchView[] = [];
  let buffered = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended before the batch did');
      buffered += value;
      const messages = buffered.split('\n\n');
      buffered = messages.pop()!;
      for (const message of messages) {
        views.push(farmBatchViewSchema.parse(JSON.parse(message.replace(/^data: /, ''))));
        if (until(views.at(-1)!)) return views;
      }
    }
  } finally {
    await reader.cancel();
  }
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("the editor's render farm over HTTP, on a real Redis and a real worker", { timeout: 240_000 }, () => {
  before(async () => {
    let modelsDir: string;
    [redis, modelsDir] = await Promise.all([startRedisServer(), tinyModelsDir()]);
    engine = await EngineClient.start({ modelsDir });
    api = await startHttpApi({ engine, outputDir: dir, host: '127.0.0.1', port: 0, rendererDir: null, farmModels: { modelsDir }, farmUnservedTimeoutMs: 8000 });
    workers.push(await startWorker('w1', ['--redis', redis.url, '--queue', 'editor', '--models', modelsDir, '--device', 'cpu']));
    const bare = path.join(dir, 'no-models');
    mkdirSync(bare);
    workers.push(await startWorker('bare', ['--redis', redis.url, '--queue', 'bare', '--models', bare, '--device', 'cpu']));
  });
  after(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await api.close();
    await engine.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a 2-seed sweep: two jobs done on the worker, each output once, served back, the worker counted', async () => {
    const submitted = await submit({ workflow: smallWorkflow(), sweep: { seeds: [11, 12] }, redisUrl: redis.url, outputDir: 'farm', queue: 'editor' });
    assert.ok(submitted.ok, JSON.stringify(submitted));
    assert.equal(submitted.jobs, 2);
    assert.equal(submitted.outputDir, path.join(dir, 'farm'), 'a relative folder is inside the server\'s output folder');
    const views = await followUntil(submitted.batchId, (view) => view.finished);
    const last = views.at(-1)!;
    assert.deepEqual(last.jobs.map((job) => [job.state, job.worker, job.overrides.map(({ value }) => value)[0]]), [['done', 'w1', 11], ['done', 'w1', 12]]);
    assert.ok(views.some((view) => view.jobs.some((job) => job.state === 'active' || job.state === 'waiting')), 'progress was streamed before the end');
    const files = last.jobs.flatMap((job) => job.files);
    assert.deepEqual(readdirSync(submitted.outputDir).filter((name) => name.endsWith('.png')).sort(), [...files].sort());
    assert.equal(files.length, 2);
    assert.deepEqual(last.workers.map(({ worker, done, failed }) => [worker, done, failed]), [['w1', 2, 0]]);
    assert.ok(last.workers[0]!.jobsPerMinute > 0 && last.workers[0]!.secondsPerJob! > 0);

    const served = await fetch(new URL(FARM_API.file(submitted.batchId, files[0]!), `${api.url}/`));
    assert.equal(served.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), readFileSync(path.join(submitted.outputDir, files[0]!)));
    const other = await fetch(new URL(FARM_API.file(submitted.batchId, 'secret.png'), `${api.url}/`));
    assert.equal(other.status, 404, 'only files the batch published are served');

    const watching = await fetch(new URL(FARM_API.events(submitted.batchId), `${api.url}/`));
    const reader = watching.body!.getReader();
    await reader.read();
    const again = await submit({ workflow: smallWorkflow(), sweep: { seeds: [11, 12] }, redisUrl: redis.url, outputDir: 'farm', queue: 'editor' });
    assert.ok(again.ok && again.batchId === submitted.batchId, 'the same workflow and sweep are the same batch');
    for (let read = await reader.read(); !read.done; read = await reader.read());
    const resumed = (await followUntil(submitted.batchId, (view) => view.finished)).at(-1)!;
    assert.deepEqual(resumed.jobs.flatMap((job) => job.files), files, 'a resubmitted batch renders nothing again');
    assert.equal(readdirSync(submitted.outputDir).filter((name) => name.endsWith('.png')).length, 2);
  });

  test('only a worker without the model: the job waits saying which worker lacks which model, then is given up with why', async () => {
    const submitted = await submit({ workflow: smallWorkflow(), sweep: {}, redisUrl: redis.url, outputDir: path.join(dir, 'bare-out'), queue: 'bare' });
    assert.ok(submitted.ok, JSON.stringify(submitted));
    const views = await followUntil(submitted.batchId, (view) => view.finished);
    assert.ok(views.some((view) => /worker bare does not have the model "tiny-sd"/.test(view.jobs[0]!.waitingFor ?? '')), 'the waiting job says why');
    const last = views.at(-1)!;
    assert.equal(last.jobs[0]!.state, 'failed');
    assert.match(last.jobs[0]!.failure!.message, /^no worker can run it: worker bare does not have the model "tiny-sd"/);
    assert.equal(last.jobs[0]!.attempts, 0, 'the worker never took it');
  });

  test('a Redis nobody listens on: a clear error naming the URL, and nothing else happens', async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    const result = await submit({ workflow: smallWorkflow(), sweep: { seeds: [1] }, redisUrl: url, outputDir: 'never' });
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.match(result.message, new RegExp(`cannot reach the farm's Redis at ${url}: .*ECONNREFUSED`));
    assert.equal(result.field, 'redisUrl');
    assert.ok(result.hint);
    assert.ok(Date.now() - started < 10_000, 'it does not wait for a connection forever');
    const notRedis = await submit({ workflow: smallWorkflow(), sweep: {}, redisUrl: 'http://:secret@127.0.0.1:6379', outputDir: 'never' });
    assert.ok(!notRedis.ok);
    assert.match(notRedis.message, /does not start with redis:\/\//);
    assert.doesNotMatch(notRedis.message, /secret/, 'the password stays out of messages');
  });

  test('another web origin cannot submit, and a body that is not JSON is refused', async () => {
    const url = new URL(FARM_API.submit, `${api.url}/`);
    const body = JSON.stringify({ workflow: smallWorkflow(), sweep: {}, redisUrl: redis.url, outputDir: 'never' });
    assert.equal((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body })).status, 403);
    assert.equal((await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body })).status, 415);
    assert.equal((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sweep": {}}' })).status, 400);
    assert.equal((await fetch(new URL(FARM_API.events('nosuchbatch'), `${api.url}/`))).status, 404);
  });

  test('a sweep value the workflow refuses: the error names node and field, and no job is queued', async () => {
    const sampler = nodeOfType(smallWorkflow(), 'Sampler').id;
    const result = await submit({ workflow: smallWorkflow(), sweep: { set: { [`${sampler}.steps`]: [2, 0] } }, redisUrl: redis.url, outputDir: 'never', queue: 'refused' });
    assert.ok(!result.ok);
    assert.match(result.message, new RegExp(`combination 1 \\(${sampler}\\.steps=0\\).*node ${sampler} \\(Sampler\\), field "steps"`));
    assert.equal(result.field, 'steps');
    const queue = new Queue('refused', { connection: { url: redis.url } });
    try {
      assert.equal(await queue.count(), 0);
    } finally {
      await queue.close();
    }
  });
});

test('farmFailureOf finds the node and field formatIssue names', () => {
  const message = `job b1-0000 failed on worker w: ${formatIssue({ code: 'execution_failed', nodeId: '5', nodeType: 'Sampler', field: 'steps', message: 'too many' })}`;
  assert.deepEqual(farmFailureOf(message), { message, nodeId: '5', field: 'steps' });
  assert.deepEqual(farmFailureOf('worker w does not have the model "m"'), { message: 'worker w does not have the model "m"' });
});
