import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Queue } from 'bullmq';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { OWN_WORKFLOW_CHUNK, type Workflow } from '../../app/protocol/index.js';
import { runCli } from '../support/cli-process.js';
import { nodeOfType } from '../support/default-workflow.js';
import { jobPngs, pngsIn, routeQueueFor, smallWorkflow, writeJson as writeFixture } from '../support/farm-fixtures.js';
import { startWorker, type WorkerProcess } from '../support/farm-workers.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { tinyModelsDir } from '../support/tiny-model.js';

const dir = mkdtempSync(path.join(tmpdir(), 'scalecrafter-farm-'));
let redis: RedisServer;
let modelsDir: string;
const workers: WorkerProcess[] = [];

const writeJson = (name: string, value: unknown) => writeFixture(dir, name, value);
const workflowFile = () => writeJson('workflow.json', smallWorkflow());

async function worker(name: string, queue: string, models: string, extra: string[] = []): Promise<WorkerProcess> {
  const started = await startWorker(name, ['--redis', redis.url, '--queue', queue, '--models', models, '--device', 'cpu', ...extra]);
  workers.push(started);
  return started;
}

describe('render farm: scalecrafter worker and batch on a real Redis', () => {
  before(async () => {
    [redis, modelsDir] = await Promise.all([startRedisServer(), tinyModelsDir()]);
  });
  after(async () => {
    await Promise.all(workers.map((started) => started.stop()));
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('three workers render a 6-job sweep: every output once, with its combination in the embedded workflow', async () => {
    await Promise.all(['w1', 'w2', 'w3'].map((name) => worker(name, 'sweep', modelsDir)));
    const sweep = writeJson('sweep.json', { seeds: [1, 2, 3], set: { '2.text': ['a red apple', 'a blue sky'] } });
    const out = path.join(dir, 'sweep-out');
    const result = await runCli(['batch', workflowFile(), '--sweep', sweep, '--redis', redis.url, '--queue', 'sweep', '--out', out, '--models', modelsDir, '--batch-id', 'six']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const names = jobPngs('six', 6);
    assert.deepEqual(pngsIn(out), names);
    for (const [index, name] of names.entries()) {
      const embedded = JSON.parse(decodePng(readFileSync(path.join(out, name))).text[OWN_WORKFLOW_CHUNK]!) as Workflow;
      assert.equal(nodeOfType(embedded, 'Sampler').widgets.seed, [1, 2, 3][Math.floor(index / 2)], name);
      assert.equal(nodeOfType(embedded, 'TextEncode').widgets.text, ['a red apple', 'a blue sky'][index % 2], name);
    }
    assert.equal((result.stdout.match(/^\[\d\/6\] six-\d{4} done on w\d \[cpu\] in [\d.]+ s: six-\d{4}\.png \(w\d: [1-6] done, 0 failed, [\d.]+ images\/min\)$/gm) ?? []).length, 6, result.stdout);
    assert.match(result.stdout, /^ {2}w\d: \d jobs?, 0 failed, [\d.]+ jobs\/min, [\d.]+ images\/min/m);

    const again = await runCli(['batch', workflowFile(), '--sweep', sweep, '--redis', redis.url, '--queue', 'sweep', '--out', out, '--models', modelsDir, '--batch-id', 'six']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(pngsIn(out), names, 'submitting the same batch again renders nothing twice');
  });

  test('a worker killed mid-job: the job goes to another worker; every output exactly once', async () => {
    const doomed = await worker('doomed', 'faults', modelsDir, ['--lock-duration', '1500']);
    const out = path.join(dir, 'faults-out');
    const sweep = writeJson('faults-sweep.json', { seeds: [7, 8] });
    const batch = runCli(['batch', writeJson('slow.json', smallWorkflow(12)), '--sweep', sweep, '--redis', redis.url, '--queue', 'faults', '--out', out, '--models', modelsDir, '--batch-id', 'kill']);
    const queue = new Queue(await routeQueueFor('faults', modelsDir), { connection: { url: redis.url } });
    try {
      while ((await queue.getActiveCount()) === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await queue.close();
    }
    doomed.child.kill('SIGKILL');
    await worker('rescuer', 'faults', modelsDir, ['--lock-duration', '1500']);
    const result = await batch;
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.deepEqual(pngsIn(out), ['kill-0000.png', 'kill-0001.png']);
    assert.equal((result.stdout.match(/done on rescuer/g) ?? []).length, 2, result.stdout);
    assert.deepEqual(readdirSync(path.join(out, '.farm-staging')).filter((name) => !name.startsWith('kill-')), []);
  });

  test('a worker without the model never takes the job; the batch says which worker lacks which model, then gives it up', async () => {
    const empty = path.join(dir, 'no-models');
    mkdirSync(empty);
    const bare = await worker('bare', 'bare', empty);
    const result = await runCli(['batch', workflowFile(), '--redis', redis.url, '--queue', 'bare', '--out', path.join(dir, 'bare-out'), '--models', modelsDir, '--unserved-timeout', '1']);
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /^waiting: no worker takes jobs for "tiny-sd" \(content [0-9a-f]{12}\): worker bare does not have the model "tiny-sd"/m);
    assert.match(result.stdout, /failed: no worker can run it: worker bare does not have the model "tiny-sd" .* and has no --models-from location; hint: /);
    assert.match(bare.output(), /not taking jobs for "tiny-sd" .*: worker bare does not have the model/);
    assert.doesNotMatch(bare.output(), /failed/, 'the worker never picked the job');
  });

  test('an invalid sweep value is reported before submitting, naming node and field', async () => {
    const sweep = writeJson('bad-sweep.json', { set: { '5.steps': [2, 0] } });
    const result = await runCli(['batch', workflowFile(), '--sweep', sweep, '--redis', redis.url, '--queue', 'never', '--out', path.join(dir, 'never'), '--models', modelsDir]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /combination 1 \(5\.steps=0\).*node 5 \(Sampler\), field "steps"/);
  });
});
