/**
 * Images on nodes, end to end (Debian's Chromium, a real `serve`): after a run the Sampler's last
 * step preview sits beside it, over no other node, and the Save Image node shows its image; an edit
 * takes off exactly the images and "done" marks whose node's inputs changed (the file prefix: only
 * Save Image's; the prompt, upstream of both: the Sampler's too), and moving a node takes off nothing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PageGlobals, Rect } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const SAMPLER = 5;
const SAVE = 7;
const PROMPT = 2;
const CHECKPOINT = 1;
const NEGATIVE = 3;

const overlap = (a: Rect, b: Rect) => Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));

describe('previews and output images on nodes', { timeout: 200_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  const previewRect = () => session.browser.page.evaluate((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.previewRect(id), SAMPLER);
  const hasOutput = () => session.browser.page.evaluate((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.hasOutputImage(id), SAVE);
  const mark = async (nodeId: number) => (await session.editor.decoration(nodeId))?.kind ?? null;
  const marks = async () => ({ checkpoint: await mark(CHECKPOINT), prompt: await mark(PROMPT), sampler: await mark(SAMPLER), save: await mark(SAVE) });

  async function editText(nodeId: number, widget: string, append: string, multiline: boolean): Promise<void> {
    const { editor, browser } = session;
    const box = await editor.widgetBox(nodeId, widget);
    await browser.page.mouse.click(box.left + box.width / 2, box.top + box.height / 2);
    const field = browser.page.locator(`${multiline ? 'textarea' : 'input'}.widget-text-overlay`);
    await field.waitFor();
    await field.press('End');
    await field.type(append);
    await field.press(multiline ? 'Tab' : 'Enter');
    await browser.page.waitForFunction(([id, name, tail]) => String((globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.find((node) => node.id === id)!.widgets[name]).endsWith(tail), [nodeId, widget, append] as const);
  }

  test('after a run the preview sits beside the Sampler, over no other node', async () => {
    const { editor, browser } = session;
    await editor.open(session.serve.url);
    await browser.page.click('[data-testid="queue"]');
    assert.equal((await editor.waitForFinishedJob(1)).job, 'done');
    await browser.page.waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.previewRect(id) !== null, SAMPLER);
    await browser.page.waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.hasOutputImage(id), SAVE);
    const preview = (await previewRect())!;
    const rects = await browser.page.evaluate(() => {
      const handle = (globalThis as unknown as PageGlobals).scalecrafterDebug;
      return handle.snapshot().nodes.map((node) => ({ id: node.id, rect: handle.nodeRect(node.id)! }));
    });
    const sampler = rects.find((entry) => entry.id === SAMPLER)!.rect;
    for (const { id, rect } of rects) assert.equal(overlap(preview, rect), 0, `the preview covers node ${id}`);
    assert.deepEqual(await marks(), { checkpoint: 'done', prompt: 'done', sampler: 'done', save: 'done' });
    // Beside: touching the Sampler's box with a small gap on one side.
    const gap = Math.max(preview.x - (sampler.x + sampler.w), sampler.x - (preview.x + preview.w), preview.y - (sampler.y + sampler.h), sampler.y - (preview.y + preview.h));
    assert.ok(gap > 0 && gap <= 16, `the preview is ${gap} units from the Sampler`);
    await browser.screenshot('previews-beside');
  });

  test('moving a node keeps the images; editing the file prefix takes off only the saved image', async () => {
    const { editor, browser } = session;
    // The graph opens readable, wider than the window: "." brings Save Image into view.
    await browser.page.click('#graph-canvas', { position: { x: 5, y: 5 } });
    await browser.page.keyboard.press('.');
    await editor.settled();
    const title = await browser.page.evaluate((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.screenPoint(id), SAVE);
    await editor.drag(title!, { x: title!.x + 30, y: title!.y + 20 });
    await editor.settled();
    assert.notEqual(await previewRect(), null);
    assert.equal(await hasOutput(), true);
    await editText(SAVE, 'filename_prefix', '-b', false);
    await browser.page.waitForFunction((id) => !(globalThis as unknown as PageGlobals).scalecrafterDebug.hasOutputImage(id), SAVE);
    assert.notEqual(await previewRect(), null, 'the Sampler does not depend on the file prefix');
    assert.deepEqual(await marks(), { checkpoint: 'done', prompt: 'done', sampler: 'done', save: null });
  });

  test('editing the prompt, upstream of the Sampler, takes its preview off', async () => {
    const { browser } = session;
    await editText(PROMPT, 'text', ', at dusk', true);
    await browser.page.waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.previewRect(id) === null, SAMPLER);
    assert.deepEqual(await marks(), { checkpoint: 'done', prompt: null, sampler: null, save: null });
    await browser.screenshot('previews-cleared');
  });

  test('a rerun marks the unchanged nodes cached; an edit upstream takes those marks off too', async () => {
    const { editor, browser } = session;
    await browser.page.click('[data-testid="queue"]');
    assert.equal((await editor.waitForFinishedJob(2)).job, 'done');
    await browser.page.waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.decoration(id)?.kind === 'done', SAVE);
    assert.deepEqual(await marks(), { checkpoint: 'cached', prompt: 'done', sampler: 'done', save: 'done' });
    assert.equal(await mark(NEGATIVE), 'cached');
    await editText(PROMPT, 'text', ' again', true);
    await browser.page.waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.decoration(id) === null, SAMPLER);
    assert.deepEqual(await marks(), { checkpoint: 'cached', prompt: null, sampler: null, save: null });
    assert.equal(await mark(NEGATIVE), 'cached', 'the negative prompt is not downstream of the edit');
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});
