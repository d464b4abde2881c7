/**
 * Dropping a link on empty canvas, end to end (Debian's Chromium, a real `serve`, the default
 * workflow): the menu's Add Node lists only node types with an input of the link's type and links
 * the one chosen; Search opens a working search box (litegraph's own threw "reading 'scale'" and
 * left a dead box) that adds and links the node found. Screenshots land in test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const CHECKPOINT = 1;

describe('a link dropped on empty canvas', { timeout: 200_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  const entries = () => session.browser.page.locator('.litecontextmenu .litemenu-entry').allTextContents();

  async function dropLinkFrom(slot: number): Promise<void> {
    const { editor, browser } = session;
    const canvas = (await browser.page.locator('#graph-canvas').boundingBox())!;
    await editor.drag(await editor.slotPoint(CHECKPOINT, 'output', slot), { x: canvas.x + 80, y: canvas.y + canvas.height - 80 });
    await browser.page.locator('.litecontextmenu').first().waitFor();
  }

  test('Add Node lists only node types that take the link\'s type, and links the one chosen', async () => {
    const { editor, browser } = session;
    await editor.open(session.serve.url);
    await dropLinkFrom(0);
    assert.deepEqual(await entries(), ['Add Node', 'Search']);
    await browser.page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Add Node' }).click();
    await browser.page.locator('.litecontextmenu .litemenu-entry', { hasText: /^scalecrafter$/ }).waitFor();
    const categories = await entries();
    assert.ok(categories.includes('sampling') && categories.includes('scalecrafter'), categories.join(' | '));
    assert.ok(!categories.includes('latent') && !categories.includes('utils'), `no category without a MODEL input: ${categories.join(' | ')}`);
    await browser.page.locator('.litecontextmenu .litemenu-entry', { hasText: /^scalecrafter$/ }).click();
    await browser.page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Re-Dilate (ScaleCrafter)' }).waitFor();
    const nodes = await entries();
    assert.ok(!nodes.includes('Empty Latent Image'));
    await browser.screenshot('link-01-add-node');
    await browser.page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Re-Dilate (ScaleCrafter)' }).click();
    await browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.some((node) => node.type === 'ReDilate'));
    const graph = await editor.snapshot();
    const added = graph.nodes.find((node) => node.type === 'ReDilate')!;
    assert.ok(graph.links.some((link) => link.origin_id === CHECKPOINT && link.target_id === added.id && link.type === 'MODEL'));
    await browser.page.keyboard.press('Control+z');
    await browser.page.waitForFunction(() => !(globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.some((node) => node.type === 'ReDilate'));
  });

  test('Search opens a working search box filtered to the link\'s type', async () => {
    const { editor, browser } = session;
    const page = browser.page;
    const before = (await editor.snapshot()).nodes.length;
    await dropLinkFrom(1);
    await page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Search' }).click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.activeElement?.matches('.litesearchbox input') === true);
    await page.keyboard.type('text');
    const item = page.locator('.litesearchbox .lite-search-item[data-type="TextEncode"]');
    await item.waitFor();
    // Filtered to nodes with a CLIP input: the text utilities (Join Text, …) are not offered.
    assert.equal(await page.locator('.litesearchbox .lite-search-item[data-type="TextConcat"]').count(), 0);
    await browser.screenshot('link-02-search');
    await item.click();
    await page.waitForFunction((count) => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === count + 1, before);
    const graph = await editor.snapshot();
    const added = graph.nodes.at(-1)!;
    assert.equal(added.type, 'TextEncode');
    assert.ok(graph.links.some((link) => link.origin_id === CHECKPOINT && link.target_id === added.id && link.type === 'CLIP'));
    assert.equal(await page.locator('.litesearchbox').count(), 0, 'the search box closed');
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});
