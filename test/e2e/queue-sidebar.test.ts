/**
 * The queue side bar, batch count and Queue front end to end (Debian's Chromium, a real `serve`):
 * a batch of three queues three jobs whose seeds move on (increment) and whose finished cards carry
 * their image as a thumbnail and Open the workflow it ran (from the engine's history, so also
 * after a reload and on another page); a job queued at the front is listed, and run, before one
 * already waiting.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { HistoryEntry } from '../../app/protocol/index.js';
import type { PageGlobals } from './page-globals.js';
import { EditorPage } from './editor-page.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const SAMPLER = 5;

const cards = (page: Page, status?: string) =>
  page.locator(status ? `[data-testid="queue-card"][data-status="${status}"]` : '[data-testid="queue-card"]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-job-id')!));

describe('the queue side bar, batch count and Queue front', { timeout: 300_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();

  test('batch count 3 queues three jobs, seeds 42, 43, 44; each finished card shows its image', async () => {
    const { editor, browser } = session;
    const page = browser.page;
    await editor.open(session.serve.url);
    const control = await editor.widgetBox(SAMPLER, 'seed control');
    // The combo's right arrow steps fixed → increment.
    await page.mouse.click(control.left + control.width - 14 * (control.height / 20), control.top + control.height / 2);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes[4]?.widget_controls.seed === 'increment');
    await page.click('[data-testid="sidebar-queue"]');
    await page.fill('[data-testid="batch-count"]', '3');
    await page.click('[data-testid="queue"]');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('[data-testid="queue-card"]').length === 3);
    await browser.screenshot('queue-01-batch-queued');
    await page.waitForFunction(
      () => {
        const shown = [...(globalThis as unknown as PageGlobals).document.querySelectorAll('[data-testid="queue-card"][data-status="done"] img[data-testid="queue-thumb"]')];
        return shown.length === 3 && shown.every((image) => (image.naturalWidth ?? 0) > 0);
      },
      undefined,
      { timeout: 180_000 },
    );
    const done = await cards(page, 'done');
    const history = await page.evaluate(async () => (await (await fetch('api/request/history', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as HistoryEntry[]);
    const seeds = history.filter((entry) => done.includes(entry.jobId)).sort((a, b) => a.startedAt - b.startedAt).map((entry) => entry.prompt[String(SAMPLER)]!.inputs.seed);
    assert.deepEqual(seeds, [42, 43, 44]);
    // Newest first, as ComfyUI's queue lists them.
    assert.deepEqual(done, history.filter((entry) => done.includes(entry.jobId)).sort((a, b) => b.finishedAt - a.finishedAt).map((entry) => entry.jobId));
    // Each card's thumbnail is the image its own job wrote.
    for (const jobId of done) {
      const written = (history.find((entry) => entry.jobId === jobId)!.outputs['7']!.images as Array<{ filename: string }>)[0]!.filename;
      const thumb = await page.locator(`[data-testid="queue-card"][data-job-id="${jobId}"] img[data-testid="queue-thumb"]`).getAttribute('src');
      assert.equal(new URLSearchParams(thumb!.split('?')[1]).get('filename'), written, jobId);
    }
    // Each finished card folds its nodes' statuses; the progress panel beside the canvas lists no queue.
    const nodeRows = await page.locator(`[data-testid="queue-card"][data-job-id="${done[0]!}"] [data-testid="finished-job"] [data-testid="node-run"]`).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')));
    assert.equal(nodeRows.length, 7);
    assert.equal(await page.locator('[data-testid="run-panel"] [data-job-id]').count(), 0);
    assert.equal(await page.locator('[data-testid="sidebar-queue"]').getAttribute('data-badge'), null, 'nothing running or waiting');
    await browser.screenshot('queue-02-batch-done');
  });

  test("a finished job's Open brings back the workflow it ran, in a new tab", async () => {
    const { editor, browser } = session;
    const page = browser.page;
    const oldest = (await cards(page, 'done')).at(-1)!;
    await page.locator(`[data-testid="queue-card"][data-job-id="${oldest}"] [data-testid="queue-card-open"]`).click();
    await page.locator('[data-testid="workflow-tab"][aria-selected="true"]', { hasText: 'default (from queue)' }).waitFor();
    const sampler = (await editor.snapshot()).nodes.find((node) => node.id === SAMPLER)!;
    assert.equal(sampler.widgets.seed, 42, 'the seed that job ran with, not the one the canvas moved on to');
    assert.equal(sampler.widget_controls.seed, 'increment');
    await browser.screenshot('queue-03-opened');
    await page.locator('[data-testid="workflow-tab"]').nth(0).click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes[4]?.widgets.seed === 45);
  });

  test("Open works for any job in the engine's history: after a reload, and on another page", async () => {
    const { editor, browser } = session;
    const page = browser.page;
    const oldest = (await cards(page, 'done')).at(-1)!;
    await page.reload();
    await editor.waitReady();
    await page.locator(`[data-testid="queue-card"][data-job-id="${oldest}"] [data-testid="queue-card-open"]`).click();
    await page.locator('[data-testid="workflow-tab"][aria-selected="true"]', { hasText: 'default (from queue)' }).waitFor();
    assert.equal((await editor.snapshot()).nodes.find((node) => node.id === SAMPLER)!.widgets.seed, 42, 'restored from the history after a reload');

    const other = new EditorPage(await page.context().newPage());
    await other.open(session.serve.url);
    await other.page.locator(`[data-testid="queue-card"][data-job-id="${oldest}"] [data-testid="queue-card-open"]`).click();
    await other.page.locator('[data-testid="workflow-tab"][aria-selected="true"]', { hasText: 'default (from queue)' }).waitFor();
    assert.equal((await other.snapshot()).nodes.find((node) => node.id === SAMPLER)!.widgets.seed, 42, 'another page opens it too');
    await other.page.close();
    await page.locator('[data-testid="workflow-tab"]').nth(0).click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes[4]?.widgets.seed === 45);
  });

  test('Queue front (button, Ctrl+Shift+Enter) lists the new job before the ones waiting, and runs it next', async () => {
    const { editor, browser } = session;
    const page = browser.page;
    // The tab shown again keeps its own view (the start zoom, from the graph's left edge), where the
    // Sampler may lie past the canvas's right edge with the queue side bar open: fit it into view.
    await page.click('[data-testid="zoom-fit"]');
    // Long enough that the first job is still sampling while the others are queued and checked.
    const steps = await editor.widgetBox(SAMPLER, 'steps');
    await page.mouse.click(steps.left + steps.width / 2, steps.top + steps.height / 2);
    await page.locator('.graphdialog input.value').fill('400');
    await page.locator('.graphdialog input.value').press('Enter');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes[4]?.widgets.steps === 400);
    await page.fill('[data-testid="batch-count"]', '2');
    await page.click('[data-testid="queue"]');
    // One sampling, one waiting (not the moment before the first has started and the second is queued).
    await page.waitForFunction(() => {
      const { document } = globalThis as unknown as PageGlobals;
      return document.querySelectorAll('[data-testid="queue-card"][data-status="running"]').length === 1 && document.querySelectorAll('[data-testid="queue-card"][data-status="queued"]').length === 1;
    });
    const [running] = await cards(page, 'running');
    const [waiting] = await cards(page, 'queued');
    assert.ok(running && waiting);
    // The waiting job is listed once, in the side bar; the panel beside the canvas shows the running one's progress.
    assert.deepEqual(await page.locator('[data-testid="run-panel"] [data-job-id]').evaluateAll((jobs) => jobs.map((job) => job.getAttribute('data-job-id'))), [running]);
    await page.locator('[data-testid="sidebar-queue"][data-badge="2"]').waitFor();
    await page.fill('[data-testid="batch-count"]', '1');
    await page.click('[data-testid="queue-front"]');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('[data-testid="queue-card"][data-status="queued"]').length === 2);
    // The engine's order, read back after the job was queued.
    await page.waitForFunction((old) => (globalThis as unknown as PageGlobals).document.querySelector('[data-testid="queue-card"][data-status="queued"]')?.getAttribute('data-job-id') !== old, waiting);
    const [front, second] = await cards(page, 'queued');
    assert.equal(second, waiting);
    assert.notEqual(front, running);
    // Ctrl+Shift+Enter, ComfyUI's key for the same, goes before that one in turn.
    await page.keyboard.press('Control+Shift+Enter');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('[data-testid="queue-card"][data-status="queued"]').length === 3);
    await page.waitForFunction((old) => (globalThis as unknown as PageGlobals).document.querySelector('[data-testid="queue-card"][data-status="queued"]')?.getAttribute('data-job-id') !== old, front);
    const [byKey, ...rest] = await cards(page, 'queued');
    assert.deepEqual(rest, [front, waiting]);
    await browser.screenshot('queue-04-front');
    await page.click('[data-testid="cancel"]');
    await page.waitForFunction((id) => (globalThis as unknown as PageGlobals).document.querySelector('[data-testid="queue-card"][data-status="running"]')?.getAttribute('data-job-id') === id, byKey, { timeout: 60_000 });
    assert.deepEqual(await cards(page, 'queued'), [front, waiting]);
    for (const jobId of [front, waiting]) await page.locator(`[data-testid="queue-card"][data-job-id="${jobId}"] [data-testid="queue-card-remove"]`).click();
    await page.click('[data-testid="cancel"]');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('[data-testid="queue-card"][data-status="cancelled"]').length === 4, undefined, { timeout: 60_000 });
    assert.deepEqual(await cards(page, 'queued'), []);
    assert.deepEqual(await cards(page, 'running'), []);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelector('[data-testid="sidebar-queue"]')!.getAttribute('data-badge') === null);
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});
