/**
 * Readable nodes, end to end (Debian's Chromium, a real `serve`): each shipped workflow opens at a
 * zoom where widget text is at least 11 px on screen (it was 8–9 px), starting from the graph's
 * left edge when it does not all fit, and "." still fits the whole graph; the longest seed and the
 * labels are shown whole, measured with the canvas's own font.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { MAX_SEED } from '../../app/protocol/index.js';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const SAMPLER = 5;
const CHECKPOINT = 1;
/** litegraph's label/value layout around a widget's two texts: 4 margins of 15, paddings 5 and 20, the gap 5. */
const WIDGET_CHROME = 90;

describe('readable node text', { timeout: 200_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  const view = () => session.browser.page.evaluate(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.view());

  /** Screen pixels the widget text needs, measured in the page with litegraph's font. */
  async function textWidth(texts: string[]): Promise<number> {
    return session.browser.page.evaluate((parts) => {
      const page = globalThis as unknown as PageGlobals & { document: { createElement(tag: 'canvas'): { getContext(kind: '2d'): { font: string; measureText(text: string): { width: number } } } } };
      const { widgetTextSize, font } = page.scalecrafterDebug.view();
      const context = page.document.createElement('canvas').getContext('2d');
      context.font = `${widgetTextSize}px ${font}`;
      return parts.reduce((sum, text) => sum + context.measureText(text).width, 0);
    }, texts);
  }

  const nodeWidth = async (id: number) => (await session.editor.snapshot()).nodes.find((node) => node.id === id)!.size[0];

  test('every shipped workflow opens with widget text of 11 px or more; "." fits the whole graph', async () => {
    const { editor, browser } = session;
    await editor.open(session.serve.url);
    await browser.screenshot('readable-start');
    for (const name of ['default', 'scalecrafter-4x', 'scalecrafter-16x']) {
      await editor.dropFile(`${name}.json`, readFileSync(new URL(`../../workflows/${name}.json`, import.meta.url)), 'application/json');
      await browser.page.waitForFunction((title) => (globalThis as unknown as PageGlobals).document.title.startsWith(title), name);
      const { scale, widgetTextSize, titleTextSize } = await view();
      assert.ok(scale * widgetTextSize >= 11, `${name}: widget text ${scale * widgetTextSize} px`);
      assert.ok(scale * titleTextSize >= 11);
      // The pipeline's first node is on screen, its left edge near the view's.
      const start = await browser.page.evaluate((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.screenPoint(id), CHECKPOINT);
      assert.ok(start!.x > 0 && start!.x < 400, `${name}: Load Checkpoint at x=${start!.x}`);
    }
    await browser.screenshot('readable-16x');
    await browser.page.click('#graph-canvas', { position: { x: 5, y: 5 } });
    await browser.page.keyboard.press('.');
    await editor.settled();
    const fitted = await view();
    assert.ok(fitted.scale < 11 / fitted.widgetTextSize, 'the whole 16× graph needs a smaller zoom');
  });

  test('the longest seed and every label are shown whole', async () => {
    const { editor, browser } = session;
    await browser.page.click('[data-testid="load-default"]');
    await browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.title.startsWith('default'));
    await editor.typeNumber(SAMPLER, 'seed', MAX_SEED);
    await browser.page.waitForFunction(([id, seed]) => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.find((node) => node.id === id)!.widgets.seed === seed, [SAMPLER, MAX_SEED] as const);
    assert.ok((await nodeWidth(SAMPLER)) >= (await textWidth(['seed', String(MAX_SEED)])) + WIDGET_CHROME);

    // Labels are whole too: the longest here, "seed control", beside the shortest room litegraph leaves a value (42 px).
    assert.ok((await nodeWidth(SAMPLER)) >= (await textWidth(['seed control'])) + 42 + WIDGET_CHROME);
    await browser.screenshot('readable-long-seed');
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});
