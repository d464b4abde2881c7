/**
 * "Render on farm…" end to end (Debian's Chromium, a real `serve`, a real redis-server and a real
 * `scalecrafter worker` on the bundled emoji model): a bad Redis URL is a clear error in the dialog
 * that keeps everything typed; a 2-seed sweep submitted from the dialog finishes in the farm panel,
 * with each output on disk once, carrying its seed, and shown as a thumbnail; the settings are kept
 * and a reload follows the batch again.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { OWN_WORKFLOW_CHUNK, type Workflow } from '../../app/protocol/index.js';
import { nodeOfType } from '../support/default-workflow.js';
import { startWorker, type WorkerProcess } from '../support/farm-workers.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';
import type { PageGlobals } from './page-globals.js';

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('render on farm from the editor', { timeout: 300_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  const out = mkdtempSync(path.join(tmpdir(), 'scalecrafter-e2e-farm-'));
  let redis: RedisServer;
  const workers: WorkerProcess[] = [];
  before(async () => {
    redis = await startRedisServer();
    const noModels = path.join(out, 'no-models');
    mkdirSync(noModels);
    workers.push(
      await startWorker('w1', ['--redis', redis.url, '--queue', 'e2e', '--models', session.serve.modelsDir, '--device', 'cpu']),
      await startWorker('bare', ['--redis', redis.url, '--queue', 'e2e-bare', '--models', noModels, '--device', 'cpu']),
    );
  });
  after(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await redis?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  async function openDialog(): Promise<void> {
    const { page } = session.browser;
    await page.click('[data-testid="render-on-farm"]');
    await page.locator('[data-testid="farm-dialog"]').waitFor({ state: 'visible' });
  }

  test('a Redis nobody listens on: the dialog says so and keeps what was typed; nothing is sent', async () => {
    const { editor, browser } = session;
    const { page } = browser;
    await editor.open(session.serve.url);
    const before = await editor.snapshot();
    await openDialog();
    const badUrl = `redis://127.0.0.1:${await closedPort()}`;
    await page.fill('[data-testid="farm-redisUrl"]', badUrl);
    await page.fill('[data-testid="farm-outputDir"]', out);
    await page.fill('[data-testid="farm-queue"]', 'e2e');
    await page.fill('[data-testid="farm-seeds"]', '1, 2');
    await page.fill('[data-testid="farm-prompts-2"]', 'grinning face');
    assert.equal(await page.textContent('[data-testid="farm-job-count"]'), '2 jobs');
    await page.click('[data-testid="farm-submit"]');
    await page.locator('[data-testid="farm-error"] p').first().waitFor({ timeout: 20_000 });
    assert.match(await page.textContent('[data-testid="farm-error"]') ?? '', new RegExp(`cannot reach the farm's Redis at ${badUrl}: .*ECONNREFUSED.*Hint: check that redis-server runs there`));
    assert.ok(await page.isVisible('[data-testid="farm-dialog"]'), 'the dialog stays open');
    assert.equal(await page.inputValue('[data-testid="farm-seeds"]'), '1, 2');
    assert.equal(await page.inputValue('[data-testid="farm-prompts-2"]'), 'grinning face');
    assert.ok(await page.isEnabled('[data-testid="farm-submit"]'));
    assert.ok(await page.isHidden('[data-testid="farm-panel"]'), 'no batch is followed');
    assert.deepEqual(await editor.snapshot(), before, 'the workflow is untouched');
    assert.deepEqual(readdirSync(out), ['no-models']);
    await page.click('[data-testid="farm-cancel"]');
  });

  test('a 2-seed sweep from the dialog finishes in the panel; each output is on disk once with its seed; the settings are kept', async () => {
    const { editor, browser } = session;
    const { page } = browser;
    await openDialog();
    assert.equal(await page.inputValue('[data-testid="farm-seeds"]'), '1, 2', 'typed values survive closing the dialog');
    await page.fill('[data-testid="farm-redisUrl"]', redis.url);
    await page.fill('[data-testid="farm-prompts-2"]', '');
    await page.click('[data-testid="farm-submit"]');
    await page.locator('[data-testid="farm-dialog"]').waitFor({ state: 'hidden', timeout: 60_000 });
    await page.waitForSelector('[data-testid="farm-panel"][data-finished="true"]', { timeout: 200_000 });

    const jobs = await page.$$eval('[data-testid="farm-job"]', (entries) => entries.map((entry) => [entry.getAttribute('data-name'), entry.getAttribute('data-state')]));
    assert.equal(jobs.length, 2);
    assert.deepEqual(jobs.map(([, state]) => state), ['done', 'done']);
    const names = jobs.map(([name]) => `${name}.png`);
    assert.deepEqual(readdirSync(out).filter((name) => name.endsWith('.png')).sort(), names.sort(), 'each output once, named by its job');
    const seeds = names.map((name) => nodeOfType(JSON.parse(decodePng(readFileSync(path.join(out, name))).text[OWN_WORKFLOW_CHUNK]!) as Workflow, 'Sampler').widgets.seed);
    assert.deepEqual(seeds, [1, 2]);

    const workerRow = await page.$$eval('[data-testid="farm-worker"] td', (cells) => cells.map((cell) => cell.textContent));
    assert.deepEqual(workerRow.slice(0, 3), ['w1', '2', '0']);
    assert.ok(Number(workerRow[3]) > 0, `jobs per minute: ${workerRow[3]}`);
    assert.match(await page.textContent('[data-testid="farm-summary"]') ?? '', /2\/2 done, 0 failed.*finished/);
    await page.waitForFunction(() => {
      const images = [...(globalThis as unknown as PageGlobals).document.querySelectorAll('[data-testid="farm-output"] img')] as unknown as { complete: boolean; naturalWidth: number }[];
      return images.length === 2 && images.every((image) => image.complete && image.naturalWidth > 0);
    });

    assert.match(await page.textContent('[data-testid="farm-job"]') ?? '', /Sampler seed = 1/, 'a job says what it sets');

    await editor.open(session.serve.url);
    await page.waitForSelector('[data-testid="farm-panel"][data-finished="true"]', { timeout: 10_000 });
    assert.equal(await page.locator('[data-testid="farm-job"]').count(), 2, 'after a reload the panel follows the batch again');
    await openDialog();
    assert.equal(await page.inputValue('[data-testid="farm-redisUrl"]'), redis.url, 'the farm settings are remembered');
    assert.equal(await page.inputValue('[data-testid="farm-outputDir"]'), out);
    assert.equal(await page.inputValue('[data-testid="farm-queue"]'), 'e2e');
    await page.click('[data-testid="farm-cancel"]');
  });

  test('a job only a worker without the model could take: the panel says which worker lacks which model', async () => {
    const { page } = session.browser;
    await openDialog();
    await page.fill('[data-testid="farm-queue"]', 'e2e-bare');
    await page.fill('[data-testid="farm-seeds"]', '3');
    await page.click('[data-testid="farm-submit"]');
    await page.waitForSelector('[data-testid="farm-job"][data-state="waiting"] [data-testid="farm-waiting"]', { timeout: 60_000 });
    assert.match(await page.textContent('[data-testid="farm-waiting"]') ?? '', /^waiting: worker bare does not have the model "emoji-pixel-32" \(content [0-9a-f]+\) in .*no-models, and has no --models-from location$/);
    assert.match(await page.textContent('[data-testid="farm-summary"]') ?? '', /0\/1 done/);
  });
});
