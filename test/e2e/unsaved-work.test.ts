/**
 * Unsaved work is never lost, end to end (Debian's Chromium, a real `serve`): after an edit, New and
 * Default ask first ("cancel" keeps the graph); a file opened (drop, Open, Recent) gets a tab of its
 * own, as in ComfyUI, unless the shown tab is empty or the untouched default. A clean (or empty)
 * document is replaced by New or Default without a question.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Dialog } from 'playwright-core';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const WORKFLOW = new URL('../../workflows/scalecrafter-4x.json', import.meta.url);
const HIRES = new URL('../../workflows/hires-fix-4x.json', import.meta.url);

describe('replacing unsaved work', { timeout: 200_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  const questions: string[] = [];
  let answer = false;

  const tabs = () => session.browser.page.locator('[data-testid="workflow-tab"]').evaluateAll((nodes) => nodes.map((node) => `${node.getAttribute('aria-selected') === 'true' ? '>' : ''}${node.textContent!.replace('✕', '').trim()}`));

  async function showTab(index: number, nodeCount: number): Promise<void> {
    await session.browser.page.locator('[data-testid="workflow-tab"]').nth(index).click();
    await session.browser.page.waitForFunction((count) => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === count, nodeCount);
  }

  async function editorDrop(): Promise<void> {
    await session.editor.dropFile('scalecrafter-4x.json', readFileSync(WORKFLOW), 'application/json');
    await session.browser.page.locator('[data-testid="document-title"]', { hasText: /^scalecrafter-4x$/ }).waitFor();
  }

  /** An edit the document records: the Sampler's steps typed into its prompt. */
  async function edit(): Promise<void> {
    const { editor, browser } = session;
    const sampler = (await editor.snapshot()).nodes.find((node) => node.type === 'Sampler')!.id;
    await editor.typeNumber(sampler, 'steps', 7);
    await browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.dirty());
  }

  test('a clean or empty document is replaced without a question', async () => {
    const { editor, browser } = session;
    browser.page.on('dialog', (dialog: Dialog) => {
      questions.push(dialog.message());
      void (answer ? dialog.accept() : dialog.dismiss());
    });
    await editor.open(session.serve.url);
    await browser.page.click('[data-testid="new"]');
    assert.equal((await editor.snapshot()).nodes.length, 0);
    await browser.page.click('[data-testid="load-default"]');
    await browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 7);
    assert.deepEqual(questions, []);
  });

  test('after an edit, New and Default ask; cancel keeps the graph', async () => {
    const { editor, browser } = session;
    await edit();
    const before = await editor.snapshot();
    await browser.page.click('[data-testid="new"]');
    await browser.page.click('[data-testid="load-default"]');
    assert.equal(questions.length, 2);
    assert.match(questions[0]!, /default has unsaved changes\. Discard them\?/);
    assert.deepEqual(await editor.snapshot(), before);
    assert.equal(await editor.dirty(), true);
  });

  test('a dropped file opens in a new tab without a question; the edited tab keeps its work', async () => {
    const { editor, browser } = session;
    const edited = await editor.snapshot();
    await editor.dropFile('scalecrafter-4x.json', readFileSync(WORKFLOW), 'application/json');
    await browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 8);
    assert.deepEqual(await tabs(), ['● default', '>scalecrafter-4x']);
    assert.equal(await editor.dirty(), false);
    await browser.screenshot('unsaved-drop-new-tab');
    await showTab(0, edited.nodes.length);
    assert.deepEqual(await editor.snapshot(), edited);
    assert.equal(questions.length, 2);
  });

  test('Open and Recent open in a new tab too', async () => {
    const { editor, browser } = session;
    const chooser = browser.page.waitForEvent('filechooser');
    await browser.page.click('[data-testid="open"]');
    await (await chooser).setFiles({ name: 'hires-fix-4x.json', mimeType: 'application/json', buffer: readFileSync(HIRES) });
    await browser.page.locator('[data-testid="document-title"]', { hasText: /^hires-fix-4x$/ }).waitFor();
    assert.deepEqual(await tabs(), ['● default', 'scalecrafter-4x', '>hires-fix-4x']);
    await showTab(0, 7);
    await browser.page.selectOption('[data-testid="recent-files"]', { label: 'scalecrafter-4x (opened)' });
    await browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 8);
    assert.deepEqual(await tabs(), ['● default', 'scalecrafter-4x', 'hires-fix-4x', '>scalecrafter-4x']);
    assert.equal((await editor.snapshot()).nodes.length, 8);
    assert.equal(questions.length, 2);
  });

  test('an empty tab or the untouched default is reused for a file', async () => {
    const { browser } = session;
    await browser.page.click('[data-testid="tab-add"]');
    await editorDrop();
    assert.deepEqual((await tabs()).slice(-2), ['scalecrafter-4x', '>scalecrafter-4x']);
    answer = true;
    await browser.page.click('[data-testid="load-default"]');
    await browser.page.locator('[data-testid="document-title"]', { hasText: /^default$/ }).waitFor();
    const count = (await tabs()).length;
    await editorDrop();
    assert.equal((await tabs()).length, count, 'the default as it was opened made room');
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});
