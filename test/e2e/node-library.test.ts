/**
 * Finding and adding nodes as a ComfyUI user would, end to end (Debian's Chromium, a real `serve`):
 * the canvas search finds our nodes by ComfyUI's names (KSampler → Sampler) and forgives typos,
 * showing descriptions; the node library lists every node type by category with its description,
 * filters with the same search, and adds a node by drag onto the canvas (where dropped) or click.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createNodeRegistry } from '../../nodes/index.js';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

describe('node search and the node library', { timeout: 240_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  const types = async () => (await session.editor.snapshot()).nodes.map((node) => node.type);

  test('double-click search finds Sampler by "KSampler", with its description; Enter adds it', async () => {
    const { editor, browser } = session;
    const page = browser.page;
    await editor.open(session.serve.url);
    await page.click('[data-testid="new"]');
    await editor.doubleClick({ x: 400, y: 300 });
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.activeElement?.matches('.litesearchbox input') === true);
    await page.keyboard.type('KSampler');
    const first = page.locator('.litesearchbox .lite-search-item').first();
    assert.equal(await settledFirstType(), 'Sampler');
    assert.equal(await first.locator('.lite-search-item-comfy').textContent(), 'ComfyUI: KSampler');
    assert.match((await first.locator('.lite-search-item-description').textContent()) ?? '', /\w{4,}/);
    await browser.screenshot('library-01-search-ksampler');
    await page.keyboard.press('Enter');
    assert.deepEqual(await types(), ['Sampler']);
  });

  /**
   * The search box's first result once its list stops changing: the box refreshes on a timer after
   * each key, so right after typing it may still list the matches of the first few letters.
   */
  async function settledFirstType(): Promise<string | null> {
    const page = session.browser.page;
    const first = page.locator('.litesearchbox .lite-search-item').first();
    await first.locator('.lite-search-item-description').waitFor();
    let last = await first.getAttribute('data-type');
    for (let same = 0; same < 4; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = await first.getAttribute('data-type');
      same = now === last ? same + 1 : 0;
      last = now;
    }
    return last;
  }

  test('ComfyUI names and a typo, each to the right node', async () => {
    const { editor, browser } = session;
    const page = browser.page;
    for (const [typed, expected] of [
      ['CLIPTextEncode', 'TextEncode'],
      ['CheckpointLoaderSimple', 'LoadCheckpoint'],
      ['ksampelr', 'Sampler'],
    ] as const) {
      await editor.doubleClick({ x: 200, y: 650 });
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.activeElement?.matches('.litesearchbox input') === true);
      await page.keyboard.type(typed);
      assert.equal(await settledFirstType(), expected, typed);
      await page.keyboard.press('Escape');
      await page.locator('.litesearchbox').waitFor({ state: 'detached' });
    }
  });

  test('the library lists every node type by category, with descriptions', async () => {
    const page = session.browser.page;
    await page.click('[data-testid="sidebar-nodes"]');
    const library = page.locator('[data-testid="node-library"]');
    await library.waitFor();
    const schemas = await page.evaluate(async () => (await (await fetch('object_info')).json()) as Record<string, { category: string; description: string }>);
    // object_info lists every node type under its own name and once more under each ComfyUI class
    // name it stands in for (KSampler, CLIPTextEncode…); the library lists each node type once.
    const types = createNodeRegistry()
      .schemas()
      .map((schema) => schema.type)
      .sort();
    for (const type of types) assert.ok(schemas[type], `object_info lists ${type}`);
    const categories = [...new Set(types.map((type) => schemas[type]!.category))].sort();
    const shown = await library.locator('.node-library-category').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-category')!));
    assert.deepEqual([...shown].sort(), categories);
    const listed = await library.locator('[data-testid="node-library-entry"]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-type')!));
    assert.deepEqual([...listed].sort(), types);
    const sampler = library.locator('[data-testid="node-library-entry"][data-type="Sampler"]');
    assert.equal(await sampler.locator('.node-library-description').textContent(), schemas.Sampler!.description);
    await session.browser.screenshot('library-02-categories');
  });

  test('filtering by a ComfyUI name, then dragging the entry onto the canvas adds the node where it is dropped', async () => {
    const { editor, browser } = session;
    const page = browser.page;
    await page.fill('[data-testid="node-library-search"]', 'CLIPTextEncode');
    const entry = page.locator('[data-testid="node-library-entry"]').first();
    assert.equal(await entry.getAttribute('data-type'), 'TextEncode');
    assert.equal(await entry.locator('.comfy-name').textContent(), 'ComfyUI: CLIPTextEncode');
    await browser.screenshot('library-03-filtered');
    const canvas = await page.locator('#graph-canvas').boundingBox();
    const drop = { x: canvas!.x + canvas!.width * 0.6, y: canvas!.y + canvas!.height * 0.3 };
    await entry.dragTo(page.locator('#graph-canvas'), { targetPosition: { x: drop.x - canvas!.x, y: drop.y - canvas!.y } });
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.some((node) => node.type === 'TextEncode'));
    const added = (await editor.snapshot()).nodes.find((node) => node.type === 'TextEncode')!;
    // The node's top-left corner (below its title bar) is where the pointer let go.
    const corner = await page.evaluate((id) => {
      const handle = (globalThis as unknown as PageGlobals).scalecrafterDebug;
      const title = handle.screenPoint(id)!;
      const box = handle.widgetBox(id, 'text')!;
      return { x: box.left, yTitle: title.y };
    }, added.id);
    assert.ok(Math.abs(corner.x - drop.x) <= 2, `left edge ${corner.x} vs drop ${drop.x}`);
    assert.ok(corner.yTitle < drop.y && drop.y - corner.yTitle < 30, `title ${corner.yTitle} just above the drop ${drop.y}`);
    await browser.screenshot('library-04-dropped');
  });

  test('clicking an entry adds the node in the middle of the view, as one undo step', async () => {
    const page = session.browser.page;
    await page.fill('[data-testid="node-library-search"]', 'VAEDecode');
    await page.locator('[data-testid="node-library-entry"][data-type="VAEDecode"]').click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.some((node) => node.type === 'VAEDecode'));
    const before = (await types()).length;
    await page.click('[data-testid="undo"]');
    await page.waitForFunction((count) => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === count - 1, before);
    assert.ok(!(await types()).includes('VAEDecode'));
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});
