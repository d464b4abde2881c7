/**
 * Canvas keys and menus a new user reaches for, end to end (Debian's Chromium, a real `serve`, the
 * default workflow): Ctrl+B bypasses and Ctrl+M mutes the selected nodes (again: back on), "."
 * fits the view, Ctrl+G and the menu's Add Group wrap the selected nodes in a group, and the menus
 * offer "Convert to Subgraph" as a plain entry (subgraphs.test.ts converts). Screenshots in test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

describe('canvas keys and menus', { timeout: 200_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  /** The node's mode once the key's edit has been committed (two frames: the commit timer has run). */
  const modeOf = async (id: number) => {
    await session.editor.settled();
    return (await session.editor.snapshot()).nodes.find((node) => node.id === id)!.mode;
  };
  const titlePoint = (id: number) => session.browser.page.evaluate((nodeId) => (globalThis as unknown as PageGlobals).scalecrafterDebug.screenPoint(nodeId), id);

  test('Ctrl+B bypasses and Ctrl+M mutes the selected node; pressed again, it runs again', async () => {
    const { editor, browser } = session;
    await editor.open(session.serve.url);
    // The Sampler: in view at the start zoom, which shows the graph from its left edge at readable size.
    const node = (await editor.snapshot()).nodes.find((candidate) => candidate.type === 'Sampler')!.id;
    const title = (await titlePoint(node))!;
    await browser.page.mouse.click(title.x, title.y);
    await browser.page.keyboard.press('Control+b');
    assert.equal(await modeOf(node), 4);
    await browser.screenshot('keys-01-bypassed');
    await browser.page.keyboard.press('Control+b');
    assert.equal(await modeOf(node), 0);
    await browser.page.keyboard.press('Control+m');
    assert.equal(await modeOf(node), 2);
    await browser.page.keyboard.press('Control+z');
    await browser.page.waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.find((candidate) => candidate.id === id)?.mode === 0, node);
  });

  test('"." fits the view again after panning', async () => {
    const { editor, browser } = session;
    const node = (await editor.snapshot()).nodes[0]!.id;
    await browser.page.keyboard.press('.');
    const fitted = (await titlePoint(node))!;
    const canvas = (await browser.page.locator('#graph-canvas').boundingBox())!;
    const empty = { x: canvas.x + 20, y: canvas.y + canvas.height - 20 };
    await editor.drag(empty, { x: empty.x + 150, y: empty.y - 100 });
    await browser.page.waitForFunction(([id, x]) => Math.abs((globalThis as unknown as PageGlobals).scalecrafterDebug.screenPoint(id)!.x - x) > 20, [node, fitted.x] as const);
    await browser.page.keyboard.press('.');
    const again = (await titlePoint(node))!;
    assert.ok(Math.abs(again.x - fitted.x) < 1 && Math.abs(again.y - fitted.y) < 1, `${JSON.stringify(again)} vs ${JSON.stringify(fitted)}`);
  });

  test('Ctrl+G and Add Group wrap the selected nodes; the menus offer Convert to Subgraph', async () => {
    const { editor, browser } = session;
    const page = browser.page;
    const [first, second] = (await editor.snapshot()).nodes.filter((node) => node.type === 'TextEncode');
    const one = (await titlePoint(first!.id))!;
    const two = (await titlePoint(second!.id))!;
    await page.mouse.click(one.x, one.y);
    await page.keyboard.down('Shift');
    await page.mouse.click(two.x, two.y);
    await page.keyboard.up('Shift');
    await page.keyboard.press('Control+g');
    const grouped = await editor.snapshot();
    assert.equal(grouped.groups.length, 1);
    const [x, y, width, height] = grouped.groups[0]!.bounding;
    for (const node of [first!, second!].map((candidate) => grouped.nodes.find((n) => n.id === candidate.id)!)) {
      assert.ok(node.pos[0] >= x && node.pos[1] >= y && node.pos[0] + node.size[0] <= x + width && node.pos[1] + node.size[1] <= y + height, `node ${node.id} inside the group`);
    }
    await page.mouse.click(two.x, two.y, { button: 'right' });
    await page.locator('.litecontextmenu').first().waitFor();
    const nodeMenu = await page.locator('.litecontextmenu .litemenu-entry').allTextContents();
    assert.ok(nodeMenu.length > 3 && nodeMenu.includes('Convert to Subgraph'), nodeMenu.join(' | '));
    await page.keyboard.press('Escape');
    await page.mouse.click(one.x, one.y);
    await page.keyboard.down('Shift');
    await page.mouse.click(two.x, two.y);
    await page.keyboard.up('Shift');
    const canvasBox = (await page.locator('#graph-canvas').boundingBox())!;
    await page.mouse.click(canvasBox.x + 30, canvasBox.y + canvasBox.height - 30, { button: 'right' });
    const canvasMenu = await page.locator('.litecontextmenu .litemenu-entry').allTextContents();
    await browser.screenshot('keys-02-canvas-menu');
    assert.ok(canvasMenu.includes('Add Group') && canvasMenu.includes('Convert to Subgraph'), canvasMenu.join(' | '));
    await page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Add Group' }).click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().groups.length === 2);
    const added = (await editor.snapshot()).groups[1]!.bounding;
    assert.ok(added[2] > 200 && added[3] > 100, `Add Group wraps the two selected prompts: ${JSON.stringify(added)}`);
    await page.locator('.litecontextmenu').waitFor({ state: 'detached', timeout: 5000 });
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});
