import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Job, Queue } from 'bullmq';
import { submitAndFollow } from '../../app/farm/batch-follow.js';
import { identifyModel } from '../../app/farm/model-identity.js';
import { writeTinyStableDiffusion } from '../../app/models/tiny-sd.js';
import { writeTinyStableDiffusionXL } from '../../app/models/tiny-sdxl.js';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { OWN_WORKFLOW_CHUNK, type Workflow } from '../../app/protocol/index.js';
import { runCli } from '../support/cli-process.js';
import { nodeOfType } from '../support/default-workflow.js';
import { jobPngs, pngsIn, routeQueueFor, smallWorkflow, writeJson } from '../support/farm-fixtures.js';
import { startWorker, type WorkerProcess } from '../support/farm-workers.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const dir = mkdtempSync(path.join(tmpdir(), 'scalecrafter-farm-mixed-'));
/** The coordinator has both models; the SD worker only tiny-sd; the SDXL worker none, but the shared location has tiny-sdxl. */
const folders = { coordinator: path.join(dir, 'coordinator'), sd: path.join(dir, 'sd'), xl: path.join(dir, 'xl'), shared: path.join(dir, 'shared') };
let redis: RedisServer;
const workers: WorkerProcess[] = [];

describe('render farm: mixed model families and devices, routed by model content', () => {
  before(async () => {
    mkdirSync(folders.xl, { recursive: true });
    // Seeded weights: every copy written here has the same content, as rsync'd copies would.
    await Promise.all([
      writeTinyStableDiffusion(path.join(folders.coordinator, 'tiny-sd')),
      writeTinyStableDiffusionXL(path.join(folders.coordinator, 'tiny-sdxl')),
      writeTinyStableDiffusion(path.join(folders.sd, 'tiny-sd')),
      writeTinyStableDiffusionXL(path.join(folders.shared, 'tiny-sdxl')),
    ]);
    redis = await startRedisServer();
    const common = ['--redis', redis.url, '--queue', 'mixed'];
    workers.push(...(await Promise.all([
      startWorker('sd-worker', [...common, '--models', folders.sd, '--device', 'cpu']),
      startWorker('xl-worker', [...common, '--models', folders.xl, '--models-from', folders.shared, '--device', 'auto']),
    ])));
  });
  after(async () => {
    await Promise.all(workers.map((started) => started.stop()));
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('one batch over tiny-sd and tiny-sdxl: each job on the worker with its model, on that worker\'s device; the SDXL worker copies its model from --models-from', async () => {
    const [sdWorker, xlWorker] = workers as [WorkerProcess, WorkerProcess];
    const out = path.join(dir, 'out');
    const sweep = writeJson(dir, 'sweep.json', { set: { '1.model': ['tiny-sd', 'tiny-sdxl'] }, seeds: [1, 2] });
    const result = await runCli(['batch', writeJson(dir, 'workflow.json', smallWorkflow()), '--sweep', sweep, '--redis', redis.url, '--queue', 'mixed', '--out', out, '--models', folders.coordinator, '--batch-id', 'mix']);
    assert.equal(result.code, 0, result.stderr + result.stdout + sdWorker.output() + xlWorker.output());
    assert.deepEqual(pngsIn(out), jobPngs('mix', 4));
    for (const [index, name] of jobPngs('mix', 4).entries()) {
      const model = index % 2 === 0 ? 'tiny-sd' : 'tiny-sdxl'; // seeds are the slower axis
      const embedded = JSON.parse(decodePng(readFileSync(path.join(out, name))).text[OWN_WORKFLOW_CHUNK]!) as Workflow;
      assert.equal(nodeOfType(embedded, 'LoadCheckpoint').widgets.model, model, name);
      const where = model === 'tiny-sd' ? 'sd-worker \\[cpu\\]' : 'xl-worker \\[auto\\]';
      assert.match(result.stdout, new RegExp(`^\\[\\d/4\\] ${name.replace('.png', '')} done on ${where} `, 'm'));
    }
    assert.match(sdWorker.output(), /not taking jobs for "tiny-sdxl" \(content [0-9a-f]{12}\): worker sd-worker does not have the model .* and has no --models-from location/);
    assert.match(xlWorker.output(), /copied tiny-sdxl from /);
    assert.match(xlWorker.output(), /not taking jobs for "tiny-sd" .*which is not in --models-from/);
    assert.deepEqual(await identifyModel({ modelsDir: folders.xl }, 'tiny-sdxl'), await identifyModel({ modelsDir: folders.shared }, 'tiny-sdxl'), 'the copy has the shared content');
    assert.ok(!existsSync(path.join(folders.xl, 'tiny-sd')));
  });

  test('a job whose input the worker rejects fails once, naming node and field, and counts as that worker\'s failure', async () => {
    const workflow = smallWorkflow();
    nodeOfType(workflow, 'Sampler').widgets.steps = 0;
    const identity = (await identifyModel({ modelsDir: folders.coordinator }, 'tiny-sd'))!;
    const lines: string[] = [];
    const job = { batchId: 'bad', name: 'bad-0000', workflow, overrides: [], models: [identity], outputDir: path.join(dir, 'bad-out') };
    const summary = await submitAndFollow([job], { redisUrl: redis.url, queueName: 'mixed', attempts: 3, log: (line) => lines.push(line) });
    assert.equal(summary.outcomes.length, 1);
    assert.match(summary.outcomes[0]!.failure ?? '', /node 5 \(Sampler\), field "steps"/);
    assert.match(lines.join('\n'), /^\[1\/1\] bad-0000 failed on sd-worker: .*\(sd-worker: 0 done, 1 failed, 0\.0 images\/min\)$/m);
    const queue = new Queue(await routeQueueFor('mixed', folders.coordinator), { connection: { url: redis.url } });
    try {
      assert.equal((await Job.fromId(queue, 'bad-0000'))?.attemptsMade, 1, 'bad input is not retried');
    } finally {
      await queue.close();
    }
  });
});
