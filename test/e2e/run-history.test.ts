/**
 * Runs across a reload, end to end (Debian's Chromium, a real `serve`, the default workflow): the
 * overall percentage follows the sampler's steps once the rest is cached, and a reloaded page lists
 * the finished jobs and the Outputs gallery again from the engine's `history`, with each image's
 * settings. Screenshots land in test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const STEPS = 40;

describe('runs across a reload', { timeout: 300_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();

  async function setSteps(value: number): Promise<void> {
    const { editor, browser } = session;
    const sampler = (await editor.snapshot()).nodes.find((node) => node.type === 'Sampler')!.id;
    const box = await editor.widgetBox(sampler, 'steps');
    await browser.page.mouse.click(box.left + box.width / 2, box.top + box.height / 2);
    const prompt = browser.page.locator('.graphdialog input.value');
    await prompt.fill(String(value));
    await prompt.press('Enter');
  }

  test('with everything before the sampler cached, the overall percentage follows its steps', async () => {
    const { editor, browser } = session;
    await editor.open(session.serve.url);
    await setSteps(2);
    await browser.page.keyboard.press('Control+Enter');
    assert.equal((await editor.waitForFinishedJob(1)).job, 'done');
    await setSteps(STEPS);
    await browser.page.keyboard.press('Control+Enter');
    const readings: Array<{ step: number; percent: number }> = [];
    while (readings.length < 200) {
      const reading = await browser.page.evaluate(() => {
        const page = globalThis as unknown as PageGlobals;
        const job = page.document.querySelector('[data-testid="running-job"]');
        const step = /step (\d+)\/(\d+)/.exec(job?.textContent ?? '');
        const percent = /^(\d+)%/.exec(page.document.querySelector('[data-testid="running-job"] [data-testid="overall-status"]')?.textContent ?? '');
        return step && percent ? { step: Number(step[1]), max: Number(step[2]), percent: Number(percent[1]) } : null;
      });
      if (reading && reading.max === STEPS && reading.step >= 8) readings.push(reading);
      if (reading && reading.step >= STEPS - 4) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(readings.length >= 2, 'read the percentage while sampling');
    for (const { step, percent } of readings) {
      assert.ok(Math.abs(percent - (100 * step) / STEPS) <= 15, `step ${step}/${STEPS} shown as ${percent}%`);
    }
    assert.equal((await editor.waitForFinishedJob(2)).job, 'done');
  });

  test('after a reload the finished jobs and the gallery come back from the engine\'s history', async () => {
    const { editor, browser } = session;
    const before = await browser.page.locator('[data-testid="gallery-image"]').evaluateAll((images) => images.map((image) => image.getAttribute('src')));
    assert.equal(before.length, 2);
    await browser.page.reload();
    await editor.waitReady();
    await editor.waitForFinishedJob(2);
    assert.deepEqual(await editor.finishedJobs(), ['done', 'done']);
    const after = await browser.page.locator('[data-testid="gallery-image"]').evaluateAll((images) => images.map((image) => image.getAttribute('src')));
    assert.deepEqual(after, before, 'the same images, newest first');
    assert.equal(await browser.page.locator('[data-testid="image-settings"]').count(), 2, 'each with its settings');
    await browser.screenshot('history-01-after-reload');
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});
