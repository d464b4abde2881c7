/**
 * Readable nodes, end to end (Debian's Chromium, a real `serve`): in a 1280×800 window each shipped
 * workflow opens whole (every node on the canvas) at a zoom where text is at least 11 px on screen
 * (it was 8–9 px, and the old straight-line layout left VAE Decode and Save Image off screen); the
 * longest seed and the labels are shown whole, measured with the canvas's own font.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { MAX_SEED } from '../../app/protocol/index.js';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const SAMPLER = 5;
const WORKFLOWS = new URL('../../workflows/', import.meta.url);
/** litegraph's label/value layout around a widget's two texts: 4 margins of 15, paddings 5 and 20, the gap 5. */
const WIDGET_CHROME = 90;
/** Two pipelines side by side, four columns: too wide for the window at 11 px, so it opens at its left edge (GraphEditor's start view). */
const WIDE_WORKFLOWS = new Set(['compare-16x']);

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

  test('in a 1280×800 window every shipped workflow opens whole, with text of 11 px or more', async () => {
    const { editor, browser } = session;
    await browser.page.setViewportSize({ width: 1280, height: 800 });
    await editor.open(session.serve.url);
    await browser.screenshot('readable-start');
    for (const file of readdirSync(WORKFLOWS).filter((name) => name.endsWith('.json'))) {
      const name = file.replace(/\.json$/, '');
      await editor.dropFile(file, readFileSync(new URL(file, WORKFLOWS)), 'application/json');
      await browser.page.waitForFunction((title) => (globalThis as unknown as PageGlobals).document.title.startsWith(title), name);
      await editor.settled();
      const { scale, widgetTextSize, titleTextSize } = await view();
      assert.ok(scale * widgetTextSize >= 11, `${name}: widget text ${scale * widgetTextSize} px`);
      assert.ok(scale * titleTextSize >= 11);
      const rects = await browser.page.evaluate(() => {
        const handle = (globalThis as unknown as PageGlobals).scalecrafterDebug;
        return handle.snapshot().nodes.map((node) => ({ type: node.type, ...handle.screenRect(node.id)! }));
      });
      const leftColumn = Math.min(...rects.map(({ node }) => node.x));
      for (const { type, node, canvas } of rects) {
        const insideVertically = node.y >= canvas.y && node.y + node.h <= canvas.y + canvas.h;
        const insideHorizontally = node.x >= canvas.x && node.x + node.w <= canvas.x + canvas.w;
        // A wide workflow must still fit its height, and show its first column whole.
        const shown = WIDE_WORKFLOWS.has(name) ? insideVertically && (node.x > leftColumn + 1 || insideHorizontally) : insideVertically && insideHorizontally;
        assert.ok(shown, `${name}: ${type} at ${JSON.stringify(node)} is not wholly on the canvas ${JSON.stringify(canvas)}`);
      }
      if (WIDE_WORKFLOWS.has(name)) assert.ok(rects.some(({ node, canvas }) => node.x + node.w > canvas.x + canvas.w), `${name} is no longer wide: move it back under the whole-fit rule`);
      if (name === 'scalecrafter-16x' || WIDE_WORKFLOWS.has(name)) await browser.screenshot(`readable-${name}`);
    }
    await browser.page.setViewportSize({ width: 1400, height: 860 });
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
