/**
 * Workflow tabs end to end (Debian's Chromium, a real `serve`): each tab keeps its own graph, undo
 * history and unsaved state while another is shown; closing a tab with unsaved work asks first
 * (cancel keeps it); the open tabs come back after a reload.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Dialog } from 'playwright-core';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const SAMPLER = 5;

describe('workflow tabs', { timeout: 240_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  const questions: string[] = [];
  let answer = false;
  const tabs = () => session.browser.page.locator('[data-testid="workflow-tab"]').evaluateAll((nodes) => nodes.map((node) => `${node.getAttribute('aria-selected') === 'true' ? '>' : ''}${node.textContent!.replace('✕', '').trim()}`));
  const nodeTypes = async () => (await session.editor.snapshot()).nodes.map((node) => node.type);
  const steps = async () => (await session.editor.snapshot()).nodes.find((node) => node.id === SAMPLER)?.widgets.steps;

  async function stepUp(): Promise<void> {
    const box = await session.editor.widgetBox(SAMPLER, 'steps');
    const before = await steps();
    await session.browser.page.mouse.click(box.left + box.width - 14 * (box.height / 20), box.top + box.height / 2);
    await session.browser.page.waitForFunction((value) => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes[4]?.widgets.steps === value, Number(before) + 1);
    await session.browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.dirty());
  }

  test('a new tab has its own graph; each tab keeps its undo history and unsaved state', async () => {
    const { editor, browser } = session;
    const page = browser.page;
    page.on('dialog', (dialog: Dialog) => {
      questions.push(dialog.message());
      void (answer ? dialog.accept() : dialog.dismiss());
    });
    await editor.open(session.serve.url);
    assert.deepEqual(await tabs(), ['>default']);
    await stepUp();
    assert.deepEqual(await tabs(), ['>● default']);

    await page.click('[data-testid="tab-add"]');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 0);
    assert.deepEqual(await tabs(), ['● default', '>● Untitled']);
    await page.click('[data-testid="sidebar-nodes"]');
    await page.locator('[data-testid="node-library-entry"][data-type="ShowText"]').click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 1);
    await browser.screenshot('tabs-01-two-tabs');

    await page.locator('[data-testid="workflow-tab"]').nth(0).click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 7);
    assert.equal(await editor.dirty(), true);
    const changed = Number(await steps());
    await page.click('[data-testid="undo"]');
    await page.waitForFunction((value) => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes[4]?.widgets.steps === value, changed - 1);
    assert.equal(await editor.dirty(), false, 'undone back to the opened file');
    assert.deepEqual(await tabs(), ['>default', '● Untitled']);

    await page.locator('[data-testid="workflow-tab"]').nth(1).click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 1);
    assert.deepEqual(await nodeTypes(), ['ShowText']);
    await page.click('[data-testid="undo"]');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 0);
    await page.click('[data-testid="redo"]');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 1);
    assert.deepEqual(questions, []);
  });

  test('closing a tab with unsaved work asks first; cancel keeps it, OK closes it', async () => {
    const page = session.browser.page;
    await page.locator('[data-testid="workflow-tab"]').nth(0).click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 7);
    // The tab keeps the view it had (the start zoom, from the graph's left edge, on the full-width
    // canvas); with the node library open the Sampler lies under the right panel: fit it into view.
    await page.click('[data-testid="zoom-fit"]');
    await stepUp();
    await page.locator('[data-testid="workflow-tab"]').nth(1).click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 1);

    await page.locator('[data-testid="workflow-tab"]').nth(0).locator('[data-testid="tab-close"]').click();
    assert.equal(questions.length, 1);
    assert.match(questions[0]!, /^default has unsaved changes\. Discard them\?$/);
    assert.deepEqual(await tabs(), ['● default', '>● Untitled']);
    await session.browser.screenshot('tabs-02-close-asked');

    answer = true;
    await page.locator('[data-testid="workflow-tab"]').nth(0).locator('[data-testid="tab-close"]').click();
    assert.equal(questions.length, 2);
    assert.deepEqual(await tabs(), ['>● Untitled']);
    assert.deepEqual(await nodeTypes(), ['ShowText'], 'the shown tab is untouched');
  });

  test('a clean tab closes without a question; closing the shown tab shows its neighbour', async () => {
    const page = session.browser.page;
    await page.click('[data-testid="load-default"]');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 7);
    await page.click('[data-testid="tab-add"]');
    assert.deepEqual(await tabs(), ['default', '>● Untitled']);
    const asked = questions.length;
    await page.locator('[data-testid="workflow-tab"]').nth(0).locator('[data-testid="tab-close"]').click();
    assert.deepEqual(await tabs(), ['>● Untitled']);
    await page.click('[data-testid="load-default"]');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 7);
    await page.click('[data-testid="tab-add"]');
    await page.locator('[data-testid="workflow-tab"]').nth(1).locator('[data-testid="tab-close"]').click();
    assert.deepEqual(await tabs(), ['>default']);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 7);
    assert.equal(questions.length, asked, 'an empty tab holds no work');
  });

  test('the open tabs come back after a reload, each with its graph', async () => {
    const { editor, browser } = session;
    const page = browser.page;
    await page.click('[data-testid="tab-add"]');
    await page.locator('[data-testid="node-library-entry"][data-type="ShowText"]').click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 1);
    await page.locator('[data-testid="workflow-tab"]').nth(0).click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 7);
    const before = await tabs();
    await page.reload();
    await editor.waitReady();
    assert.deepEqual(await tabs(), before);
    assert.equal((await editor.snapshot()).nodes.length, 7);
    await page.locator('[data-testid="workflow-tab"]').nth(1).click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 1);
    assert.deepEqual(await nodeTypes(), ['ShowText']);
    await browser.screenshot('tabs-03-after-reload');
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});
