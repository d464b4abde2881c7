/**
 * The canvas's view controls, settings and shortcut panel end to end (Debian's Chromium, a real
 * `serve`): zoom in/out/100 %/fit buttons; the minimap shows every node and moves the view where it
 * is clicked; Settings (link style, snap to grid, grid size, minimap) apply at once and survive a
 * reload; the keyboard-shortcut panel lists the keys.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const SAMPLER = 5;

describe('view controls, settings and shortcuts', { timeout: 240_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  const page = () => session.browser.page;
  const zoom = async () => Number((await page().textContent('[data-testid="zoom-level"]'))!.replace('%', ''));
  const minimap = () => page().evaluate(() => ({ ...((globalThis as unknown as PageGlobals).document.querySelector('[data-testid="minimap"]') as unknown as { dataset: Record<string, string> }).dataset }));
  const viewport = async () => {
    const [left, top, width, height] = (await minimap()).viewport!.split(',').map(Number) as [number, number, number, number];
    return { left, top, width, height };
  };
  /** Waits a frame or two for the minimap to redraw after the view moved. */
  const redrawn = () => session.editor.settled();

  test('zoom in, zoom out, 100 % and Fit', async () => {
    await session.editor.open(session.serve.url);
    // The editor starts at a readable zoom from the graph's left edge, not fitted: fit first, so the
    // level Fit returns to later is one this test measured.
    await redrawn();
    const start = await zoom();
    await page().click('[data-testid="zoom-fit"]');
    await redrawn();
    const fitted = await zoom();
    assert.ok(fitted > 0 && fitted <= start, `Fit (${fitted}%) shows at most the start zoom (${start}%), to show the whole graph`);
    const before = await viewport();
    await page().click('[data-testid="zoom-in"]');
    await redrawn();
    // The level is shown rounded to a percent, so ×1.25 of the rounded level is within one of it.
    assert.ok(Math.abs((await zoom()) - fitted * 1.25) <= 1, `${await zoom()}% after zooming in from ${fitted}%`);
    assert.ok(Math.abs((await viewport()).width - before.width / 1.25) < 1, 'the visible area shrinks by the zoom step');
    // The level's text follows the view on the next animation frame.
    await page().click('[data-testid="zoom-level"]');
    await redrawn();
    assert.equal(await zoom(), 100);
    await page().click('[data-testid="zoom-out"]');
    await redrawn();
    assert.equal(await zoom(), 80);
    await page().click('[data-testid="zoom-fit"]');
    await redrawn();
    assert.equal(await zoom(), fitted);
    const area = await viewport();
    for (const node of (await session.editor.snapshot()).nodes) {
      const [x, y] = node.pos;
      const [width, height] = node.size;
      assert.ok(x >= area.left && y - 30 >= area.top && x + width <= area.left + area.width && y + height <= area.top + area.height, `node ${node.id} in view after Fit`);
    }
    await session.browser.screenshot('view-01-fitted');
  });

  test('the minimap shows every node; a click there centres the view on that point', async () => {
    const shown = await minimap();
    assert.equal(Number(shown.nodes), (await session.editor.snapshot()).nodes.length);
    const box = (await page().locator('[data-testid="minimap"]').boundingBox())!;
    const border = await page().evaluate(() => {
      const map = (globalThis as unknown as PageGlobals).document.querySelector('[data-testid="minimap"]') as unknown as { clientLeft: number; clientTop: number };
      return { x: map.clientLeft, y: map.clientTop };
    });
    // A point of the drawing (220×150 pixels inside the border).
    const at = { x: 176, y: 112 };
    await page().mouse.click(box.x + border.x + at.x, box.y + border.y + at.y);
    await redrawn();
    const area = await viewport();
    const [scale, originX, originY] = [Number(shown.scale), Number(shown.originX), Number(shown.originY)];
    // The new view's centre, drawn with the map as it was when clicked, is the pixel clicked (the canvas is 220×150 CSS pixels).
    const centre = { x: originX + (area.left + area.width / 2) * scale, y: originY + (area.top + area.height / 2) * scale };
    assert.ok(Math.abs(centre.x - at.x) < 1.5 && Math.abs(centre.y - at.y) < 1.5, `centre ${JSON.stringify(centre)} vs click ${JSON.stringify(at)}`);
    await session.browser.screenshot('view-02-minimap-moved');
    await page().click('[data-testid="zoom-fit"]');
  });

  /** Drags the Sampler by its title bar and returns where it ends up. */
  async function dragSampler(dx: number, dy: number): Promise<[number, number]> {
    const title = await page().evaluate((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.screenPoint(id), SAMPLER);
    await session.editor.drag({ x: title!.x - 40, y: title!.y }, { x: title!.x - 40 + dx, y: title!.y + dy });
    await session.editor.settled();
    return (await session.editor.snapshot()).nodes.find((node) => node.id === SAMPLER)!.pos;
  }

  test('Settings: straight links, snap to a 50-unit grid, no minimap; applied at once', async () => {
    await page().click('[data-testid="open-settings"]');
    await page().locator('[data-testid="settings-dialog"]').waitFor();
    await page().selectOption('[data-testid="setting-link-style"]', 'straight');
    await page().check('[data-testid="setting-snap"]');
    await page().fill('[data-testid="setting-grid-size"]', '50');
    await page().press('[data-testid="setting-grid-size"]', 'Enter');
    await session.browser.screenshot('settings-01-dialog');
    await page().click('[data-testid="settings-close"]');
    const [x, y] = await dragSampler(37, 23);
    assert.deepEqual([x % 50, y % 50], [0, 0], `snapped to the grid: ${x}, ${y}`);
    await page().click('[data-testid="open-settings"]');
    await page().uncheck('[data-testid="setting-minimap"]');
    await page().click('[data-testid="settings-close"]');
    assert.equal(await page().locator('[data-testid="minimap"]').isVisible(), false);
    await session.browser.screenshot('settings-02-straight-links');
  });

  test('the settings survive a reload', async () => {
    await page().reload();
    await session.editor.waitReady();
    assert.equal(await page().locator('[data-testid="minimap"]').isVisible(), false);
    assert.equal(await page().inputValue('[data-testid="setting-link-style"]'), 'straight');
    assert.equal(await page().isChecked('[data-testid="setting-snap"]'), true);
    assert.equal(await page().inputValue('[data-testid="setting-grid-size"]'), '50');
    const [x, y] = await dragSampler(-61, 42);
    assert.deepEqual([x % 50, y % 50], [0, 0], `still snapped after the reload: ${x}, ${y}`);
    await page().click('[data-testid="open-settings"]');
    await page().check('[data-testid="setting-minimap"]');
    await page().selectOption('[data-testid="setting-link-style"]', 'spline');
    await page().click('[data-testid="settings-close"]');
    assert.equal(await page().locator('[data-testid="minimap"]').isVisible(), true);
  });

  test('the keyboard-shortcut panel lists the keys; Escape closes it', async () => {
    await page().click('[data-testid="open-shortcuts"]');
    const dialog = page().locator('[data-testid="shortcuts-dialog"]');
    await dialog.waitFor();
    const rows = await dialog.locator('[data-testid="shortcut"]').evaluateAll((nodes) => nodes.map((node) => node.textContent));
    assert.ok(rows.includes('Ctrl+EnterQueue the workflow (batch count times)'), rows.join('\n'));
    assert.ok(rows.includes('Ctrl+Shift+EnterQueue the workflow before the jobs waiting'), rows.join('\n'));
    assert.ok(rows.some((row) => row!.startsWith('Ctrl+B')));
    await session.browser.screenshot('shortcuts-01-panel');
    await page().keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});
