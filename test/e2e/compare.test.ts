/**
 * Compare, end to end (Debian's Chromium, a real `serve`): one click queues the 4× workflow without
 * ScaleCrafter (ReDilate bypassed) and with it, same seed and size, and opens the pair side by side;
 * the viewer zooms (1:1 is one image pixel per screen pixel, + zooms, Fit shows it whole), switches
 * to a slider that splits where it is dragged, and closes on Escape. The gallery pins any two
 * outputs for the same viewer and opens one alone as a lightbox. A workflow without ScaleCrafter
 * nodes says there is nothing to compare and queues nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { HistoryEntry } from '../../app/protocol/index.js';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const WORKFLOW = new URL('../../workflows/scalecrafter-4x.json', import.meta.url);
type Rect = { left: number; width: number; height: number };

describe('compare Direct vs ScaleCrafter', { timeout: 300_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  const viewer = '[data-testid="image-viewer"]';

  async function history(): Promise<HistoryEntry[]> {
    const reply = await fetch(new URL('api/request/history', session.serve.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    return (await reply.json()) as HistoryEntry[];
  }

  async function imageRect(side: 'left' | 'right'): Promise<Rect> {
    return session.browser.page.$eval(`${viewer} [data-testid="viewer-image"][data-side="${side}"]`, (node) => {
      const rect = (node as unknown as { getBoundingClientRect(): Rect }).getBoundingClientRect();
      return { left: rect.left, width: rect.width, height: rect.height };
    });
  }

  async function viewerImagesLoaded(count: number): Promise<void> {
    await session.browser.page.waitForFunction(
      (n) => [...(globalThis as unknown as PageGlobals).document.querySelectorAll('[data-testid="viewer-image"]')].filter((image) => (image.naturalWidth ?? 0) > 0).length === n,
      count,
      { timeout: 120_000 },
    );
  }

  test('a workflow without ScaleCrafter nodes has nothing to compare', async () => {
    const { editor, browser } = session;
    await editor.open(session.serve.url);
    await browser.page.click('[data-testid="compare-direct"]');
    await browser.page.waitForSelector('.notice-error:has-text("Nothing to compare")');
    assert.equal((await history()).length, 0);
    await browser.page.click('.notice-error');
  });

  test('Compare renders the same seed without and with ScaleCrafter and shows the pair', async () => {
    const { editor, browser } = session;
    await editor.dropFile('scalecrafter-4x.json', readFileSync(WORKFLOW), 'application/json');
    await browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 8);
    const seedBefore = (await editor.snapshot()).nodes.find((node) => node.type === 'Sampler')!.widgets.seed;
    await browser.page.click('[data-testid="compare-direct"]');
    await browser.page.waitForSelector(`${viewer}:not([hidden])`, { timeout: 180_000 });
    await viewerImagesLoaded(2);
    assert.equal(await browser.page.getAttribute(viewer, 'data-mode'), 'side');
    assert.equal(await browser.page.textContent('[data-testid="viewer-title"]'), 'scalecrafter-4x: Direct vs ScaleCrafter');
    await browser.screenshot('compare-side-by-side');

    const leftJob = await browser.page.getAttribute(`${viewer} [data-side="left"]`, 'data-job-id');
    const rightJob = await browser.page.getAttribute(`${viewer} [data-side="right"]`, 'data-job-id');
    const jobs = await history();
    const direct = jobs.find((job) => job.jobId === leftJob)!;
    const crafted = jobs.find((job) => job.jobId === rightJob)!;
    assert.equal(direct.label, 'scalecrafter-4x · Direct');
    assert.equal(crafted.label, 'scalecrafter-4x · ScaleCrafter');
    const types = (job: HistoryEntry) => Object.values(job.prompt).map((node) => node.class_type).sort();
    assert.ok(!types(direct).includes('ReDilate'), 'Direct runs without the ReDilate patch');
    assert.ok(types(crafted).includes('ReDilate'));
    const inputsOf = (job: HistoryEntry, type: string) => Object.values(job.prompt).find((node) => node.class_type === type)!.inputs;
    assert.equal(inputsOf(direct, 'Sampler').seed, seedBefore);
    assert.equal(inputsOf(crafted, 'Sampler').seed, seedBefore);
    assert.deepEqual([inputsOf(direct, 'EmptyLatentImage').width, inputsOf(direct, 'EmptyLatentImage').height], [64, 64]);
    assert.deepEqual(inputsOf(crafted, 'EmptyLatentImage'), inputsOf(direct, 'EmptyLatentImage'));
    // The two images differ: the patch changed the sampling.
    const urls = await browser.page.$$eval(`${viewer} [data-testid="viewer-image"]`, (nodes) => nodes.map((node) => (node as unknown as { src: string }).src));
    const [directBytes, craftedBytes] = await Promise.all(urls.map(async (url) => Buffer.from(await (await fetch(url)).arrayBuffer())));
    assert.ok(directBytes!.length > 0 && !directBytes!.equals(craftedBytes!));
    // The file's seed control is "fixed": both runs and the canvas keep the seed.
    assert.equal((await editor.snapshot()).nodes.find((node) => node.type === 'Sampler')!.widgets.seed, seedBefore);
  });

  test('the viewer zooms: 1:1 is full size, + enlarges, Fit shows the whole image', async () => {
    const { browser } = session;
    await browser.page.click('[data-testid="viewer-actual"]');
    assert.deepEqual(await imageRect('left'), { ...(await imageRect('left')), width: 64, height: 64 });
    assert.equal((await imageRect('right')).width, 64);
    await browser.page.click('[data-testid="viewer-zoom-in"]');
    assert.equal((await imageRect('left')).width, 80);
    assert.equal(await browser.page.textContent('[data-testid="viewer-zoom"]'), '125%');
    await browser.page.keyboard.press('0');
    const pane = await browser.page.$eval(`${viewer} .viewer-pane`, (node) => {
      const element = node as unknown as { clientWidth: number; clientHeight: number };
      return Math.min(element.clientWidth, element.clientHeight);
    });
    assert.ok(Math.abs((await imageRect('left')).width - pane) < 1, 'Fit fills the pane along its short side');
    await browser.screenshot('compare-fit');
  });

  test('the slider shows the left image left of the split and the right one right of it', async () => {
    const { browser } = session;
    await browser.page.click('[data-testid="viewer-slider"]');
    assert.equal(await browser.page.getAttribute(viewer, 'data-mode'), 'slider');
    await viewerImagesLoaded(2);
    const pane = await browser.page.$eval(`${viewer} .viewer-pane.slider`, (node) => {
      const rect = (node as unknown as { getBoundingClientRect(): Rect & { top: number } }).getBoundingClientRect();
      return { left: rect.left, top: rect.top, width: rect.width, height: rect.height };
    });
    const handle = await browser.page.$eval('[data-testid="viewer-divider"]', (node) => {
      const rect = (node as unknown as { getBoundingClientRect(): Rect & { top: number } }).getBoundingClientRect();
      return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
    });
    await session.editor.drag(handle, { x: pane.left + pane.width * 0.4, y: handle.y });
    const split = Number(await browser.page.getAttribute('[data-testid="viewer-stage"]', 'data-split'));
    assert.ok(Math.abs(split - 40) < 1, `split at ${split}%`);
    assert.equal(await browser.page.$eval('[data-testid="viewer-clip"]', (node) => (node as unknown as { style: { clipPath: string } }).style.clipPath), `inset(0px 0px 0px ${split}%)`);
    await browser.screenshot('compare-slider');
    await browser.page.keyboard.press('Escape');
    assert.equal(await browser.page.isHidden(viewer), true);
  });

  test('the gallery pins two outputs for comparison and opens one in a lightbox', async () => {
    const { browser } = session;
    const entries = browser.page.locator('[data-testid="gallery"] .gallery-entry');
    assert.equal(await entries.count(), 2);
    assert.equal(await browser.page.isDisabled('[data-testid="compare-pinned"]'), true);
    await entries.nth(0).locator('[data-testid="pin"]').click();
    await entries.nth(1).locator('[data-testid="pin"]').click();
    const pinnedUrls = [await entries.nth(0).getAttribute('data-url'), await entries.nth(1).getAttribute('data-url')];
    await browser.page.click('[data-testid="compare-pinned"]');
    await viewerImagesLoaded(2);
    const shown = await browser.page.$$eval(`${viewer} [data-testid="viewer-image"]`, (nodes) => nodes.map((node) => node.getAttribute('src')));
    assert.deepEqual(shown, pinnedUrls);
    await browser.page.click('[data-testid="viewer-close"]');

    await entries.nth(1).locator('[data-testid="gallery-image"]').click();
    await viewerImagesLoaded(1);
    assert.equal(await browser.page.getAttribute(viewer, 'data-mode'), 'single');
    assert.equal(await browser.page.isHidden('.viewer-modes'), true);
    await browser.page.keyboard.press('1');
    assert.equal((await imageRect('left')).width, 64);
    await browser.page.keyboard.press('0');
    await browser.screenshot('lightbox');
    await browser.page.keyboard.press('Escape');
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});
