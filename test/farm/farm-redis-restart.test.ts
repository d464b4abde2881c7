import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Queue } from 'bullmq';
import { runCli } from '../support/cli-process.js';
import { jobPngs, pngsIn, routeQueueFor, smallWorkflow, writeJson } from '../support/farm-fixtures.js';
import { startWorker, type WorkerProcess } from '../support/farm-workers.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { tinyModelsDir } from '../support/tiny-model.js';

const dir = mkdtempSync(path.join(tmpdir(), 'scalecrafter-farm-restart-'));
let redis: RedisServer;
let modelsDir: string;
const workers: WorkerProcess[] = [];

before(async () => {
  [redis, modelsDir] = await Promise.all([startRedisServer({ persistent: true }), tinyModelsDir()]);
});
after(async () => {
  await Promise.all(workers.map((started) => started.stop()));
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function countsOf(queueName: string): Promise<{ completed: number; active: number }> {
  const queue = new Queue(await routeQueueFor(queueName, modelsDir), { connection: { url: redis.url } });
  try {
    const counts = await queue.getJobCounts('completed', 'active');
    return { completed: counts.completed ?? 0, active: counts.active ?? 0 };
  } finally {
    await queue.close();
  }
}

test('Redis restarted mid-batch (append-only file): workers and the batch reconnect; every output exactly once', { timeout: 240_000 }, async () => {
  for (const name of ['r1', 'r2']) {
    workers.push(await startWorker(name, ['--redis', redis.url, '--queue', 'restart', '--models', modelsDir, '--device', 'cpu', '--lock-duration', '5000']));
  }
  const out = path.join(dir, 'out');
  const sweep = writeJson(dir, 'sweep.json', { seeds: [1, 2, 3, 4] });
  const batch = runCli(['batch', writeJson(dir, 'workflow.json', smallWorkflow(6)), '--sweep', sweep, '--redis', redis.url, '--queue', 'restart', '--out', out, '--models', modelsDir, '--batch-id', 'restart']);
  let counts = await countsOf('restart');
  const deadline = Date.now() + 120_000;
  while (counts.completed === 0) {
    assert.ok(Date.now() < deadline, `no job completed within 120 s:\n${workers.map((started) => started.output()).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    counts = await countsOf('restart');
  }
  assert.ok(counts.completed < 4, 'the restart comes while jobs are left');
  await redis.restart({ downMs: 1500 });

  const result = await batch;
  assert.equal(result.code, 0, result.stderr + result.stdout);
  assert.match(result.stdout, /lost Redis .*reconnecting/, 'the batch went through the outage');
  assert.deepEqual(pngsIn(out), jobPngs('restart', 4));
  assert.equal((result.stdout.match(/^\[\d\/4\] restart-\d{4} (done on r\d|already done)/gm) ?? []).length, 4, result.stdout);
  assert.deepEqual(readdirSync(path.join(out, '.farm-staging')), [], 'no render is left half-published');
  assert.equal((await countsOf('restart')).completed, 4, 'the queue kept its jobs across the restart');
});
