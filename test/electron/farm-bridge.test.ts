/**
 * The desktop's render farm without Electron: the page's client (PreloadFarm) talks through a
 * loopback in place of ipcRenderer/ipcMain to main's side (bridgeFarm) on a real FarmBatches, a
 * real engine, a real redis-server and a real worker; outputs come back through the app:// resolver.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveAppRequest } from '../../app/electron/app-protocol.js';
import { bridgeFarm } from '../../app/electron/farm-bridge.js';
import type { IpcHost } from '../../app/electron/ipc-boundary.js';
import { EngineClient } from '../../app/engine/engine-client.js';
import { FarmBatches } from '../../app/farm/farm-batches.js';
import type { FarmBatchView } from '../../app/protocol/farm.js';
import { shellChannels, type Workflow } from '../../app/protocol/index.js';
import type { PreloadApi } from '../../renderer/src/engine/preload-api.js';
import { PreloadFarm } from '../../renderer/src/farm/preload-farm.js';
import { nodeOfType, tinySdWorkflow } from '../support/default-workflow.js';
import { startWorker, type WorkerProcess } from '../support/farm-workers.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { tinyModelsDir } from '../support/tiny-model.js';

type FarmPreload = Pick<PreloadApi, 'farmSubmit' | 'farmFollow' | 'onFarmBatch'>;

/** ipcMain and the preload joined directly; payloads are cloned both ways, as IPC serializes them. */
class LoopbackShell implements IpcHost {
  readonly handlers = new Map<string, (payload: unknown) => Promise<unknown>>();
  readonly #listeners = new Map<string, Set<(payload: unknown) => void>>();

  handle(channel: string, handler: (payload: unknown) => Promise<unknown>): void {
    this.handlers.set(channel, handler);
  }

  send(channel: string, payload: unknown): void {
    for (const listener of this.#listeners.get(channel) ?? []) listener(structuredClone(payload));
  }

  invoke(channel: string, payload: unknown): Promise<unknown> {
    return this.handlers.get(channel)!(structuredClone(payload)).then((reply) => structuredClone(reply));
  }

  readonly preload: FarmPreload = {
    farmSubmit: (params) => this.invoke(shellChannels.farmSubmit.channel, params),
    farmFollow: (batchId) => this.invoke(shellChannels.farmFollow.channel, { batchId }),
    onFarmBatch: (listener) => {
      const listeners = this.#listeners.get(shellChannels.farmBatch.channel) ?? new Set();
      this.#listeners.set(shellChannels.farmBatch.channel, listeners.add(listener));
      return () => listeners.delete(listener);
    },
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'scalecrafter-farm-bridge-'));
const shell = new LoopbackShell();
const client = new PreloadFarm(shell.preload, new URL('app://scalecrafter/'));
let redis: RedisServer;
let engine: EngineClient;
let batches: FarmBatches;
let worker: WorkerProcess;

function smallWorkflow(): Workflow {
  const workflow = tinySdWorkflow();
  Object.assign(nodeOfType(workflow, 'EmptyLatentImage').widgets, { width: 64, height: 64 });
  Object.assign(nodeOfType(workflow, 'Sampler').widgets, { steps: 2 });
  return workflow;
}

/** Follows the batch through the page's client until a view satisfies `until`. */
function followUntil(batchId: string, until: (view: FarmBatchView) => boolean): Promise<FarmBatchView[]> {
  return new Promise((resolve, reject) => {
    const views: FarmBatchView[] = [];
    const timer = setTimeout(() => reject(new Error(`batch ${batchId} did not get there; last view: ${JSON.stringify(views.at(-1))}`)), 120_000);
    const stop = client.follow(
      batchId,
      (view) => {
        views.push(view);
        if (!until(view)) return;
        clearTimeout(timer);
        stop();
        resolve(views);
      },
      (gone) => reject(new Error(`lost the batch (gone: ${gone})`)),
    );
  });
}

describe("the desktop's render farm over the shell channels, on a real Redis and a real worker", { timeout: 240_000 }, () => {
  before(async () => {
    let modelsDir: string;
    [redis, modelsDir] = await Promise.all([startRedisServer(), tinyModelsDir()]);
    engine = await EngineClient.start({ modelsDir });
    batches = new FarmBatches({ engine, engineConfig: { modelsDir }, outputDir: dir });
    bridgeFarm(batches, shell);
    worker = await startWorker('w1', ['--redis', redis.url, '--queue', 'desktop', '--models', modelsDir, '--device', 'cpu']);
  });
  after(async () => {
    await worker.stop();
    await batches.close();
    await engine.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a 2-seed sweep: submitted, followed to the end, its outputs served by app:// and nothing else', async () => {
    const submitted = await client.submit({ workflow: smallWorkflow(), sweep: { seeds: [21, 22] }, redisUrl: redis.url, outputDir: 'farm', queue: 'desktop' });
    assert.ok(submitted.ok, JSON.stringify(submitted));
    assert.equal(submitted.outputDir, path.join(dir, 'farm'), "a relative folder is inside the app's output folder");
    const views = await followUntil(submitted.batchId, (view) => view.finished);
    const last = views.at(-1)!;
    assert.deepEqual(last.jobs.map((job) => [job.state, job.worker, job.overrides[0]?.value]), [['done', 'w1', 21], ['done', 'w1', 22]]);
    assert.ok(views.length > 1, 'changes were pushed, not only the first view');
    const files = last.jobs.flatMap((job) => job.files);
    assert.deepEqual(readdirSync(submitted.outputDir).filter((name) => name.endsWith('.png')).sort(), [...files].sort());

    const sources = { rendererDir: path.join(dir, 'ui'), outputDir: dir, farm: batches };
    const served = await resolveAppRequest(client.fileUrl(submitted.batchId, files[0]!), sources);
    assert.equal(served.kind === 'file' && path.basename(served.path), files[0]);
    for (const url of [client.fileUrl(submitted.batchId, 'secret.png'), client.fileUrl('nosuchbatch', files[0]!), client.fileUrl(submitted.batchId, '..'), client.fileUrl(submitted.batchId, `../${files[0]!}`), client.fileUrl(submitted.batchId, path.join(submitted.outputDir, files[0]!))]) {
      assert.deepEqual(await resolveAppRequest(url, sources), { kind: 'refused', status: 404 }, url);
    }
    assert.deepEqual(await resolveAppRequest(client.fileUrl(submitted.batchId, files[0]!), { ...sources, farm: undefined }), { kind: 'refused', status: 404 });

    const again = await client.submit({ workflow: smallWorkflow(), sweep: { seeds: [21, 22] }, redisUrl: redis.url, outputDir: 'farm', queue: 'desktop' });
    assert.ok(again.ok && again.batchId === submitted.batchId, 'the same workflow and sweep are the same batch');
    const resumed = (await followUntil(submitted.batchId, (view) => view.finished && view.submittedAt > last.submittedAt)).at(-1)!;
    assert.deepEqual(resumed.jobs.flatMap((job) => job.files), files, 'the resubmitted batch is followed afresh and renders nothing again');
  });

  test('a batch main does not know is lost for good', async () => {
    const lost = await new Promise<boolean>((resolve) => client.follow('nosuchbatch', () => resolve(false), resolve));
    assert.equal(lost, true);
  });

  test('a problem the user can fix comes back as ok: false, naming the field', async () => {
    const result = await client.submit({ workflow: smallWorkflow(), sweep: {}, redisUrl: 'http://127.0.0.1:6379', outputDir: 'never' });
    assert.ok(!result.ok);
    assert.match(result.message, /does not start with redis:\/\//);
    assert.equal(result.field, 'redisUrl');
  });

  test('malformed requests from the page are refused at the boundary', async () => {
    await assert.rejects(shell.invoke(shellChannels.farmSubmit.channel, { sweep: {}, redisUrl: redis.url }), /malformed farm submission/);
    await assert.rejects(shell.invoke(shellChannels.farmSubmit.channel, { workflow: {}, sweep: {}, redisUrl: redis.url, outputDir: 'x', queue: '../q' }), /malformed farm submission/);
    await assert.rejects(shell.invoke(shellChannels.farmFollow.channel, { batchId: '../../etc' }), /malformed farm batch request/);
    await assert.rejects(shell.invoke(shellChannels.farmFollow.channel, 'b1'), /malformed farm batch request/);
  });
});
