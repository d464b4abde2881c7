/**
 * Unsaved work is never replaced silently, end to end (Debian's Chromium, a real `serve`): after an
 * edit, New, Default and a dropped file each ask first; "cancel" keeps the graph, "OK" replaces it.
 * A clean (or empty) document is replaced without a question.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Dialog } from 'playwright-core';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const WORKFLOW = new URL('../../workflows/scalecrafter-4x.json', import.meta.url);

describe('replacing unsaved work', { timeout: 200_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  const questions: string[] = [];
  let answer = false;

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

  test('after an edit, New, Default and a drop ask; cancel keeps the graph', async () => {
    const { editor, browser } = session;
    await edit();
    const before = await editor.snapshot();
    await browser.page.click('[data-testid="new"]');
    await browser.page.click('[data-testid="load-default"]');
    await editor.dropFile('scalecrafter-4x.json', readFileSync(WORKFLOW), 'application/json');
    // The drop reads the file first, then asks.
    for (let waited = 0; questions.length < 3 && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(questions.length, 3);
    assert.match(questions[0]!, /default has unsaved changes\. Discard them\?/);
    assert.deepEqual(await editor.snapshot(), before);
    assert.equal(await editor.dirty(), true);
  });

  test('OK replaces it', async () => {
    const { editor, browser } = session;
    answer = true;
    await editor.dropFile('scalecrafter-4x.json', readFileSync(WORKFLOW), 'application/json');
    await browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 8);
    assert.equal(questions.length, 4);
    assert.equal(await editor.dirty(), false);
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});
