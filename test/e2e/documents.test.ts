/**
 * Naming documents in the browser, end to end (Debian's Chromium, a real `serve`): Save As asks
 * for the name and downloads the file under it; Save of a named document downloads without asking;
 * Save of an untitled one asks, and Cancel saves nothing; clicking the title renames the document
 * (kept across a reload). Recent lists files saved, files opened, and work left unsaved when
 * another file replaced it, which reopens still unsaved.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Dialog, Download } from 'playwright-core';
import type { Workflow } from '../../app/protocol/index.js';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const WORKFLOW = new URL('../../workflows/scalecrafter-4x.json', import.meta.url);

describe('naming, renaming and recent documents', { timeout: 200_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  const title = () => session.browser.page.textContent('[data-testid="document-title"]');
  const recent = () => session.browser.page.$$eval('[data-testid="recent-files"] option', (options) => options.map((option) => option.textContent ?? '').slice(1));

  async function download(action: () => Promise<void>): Promise<Download> {
    const [file] = await Promise.all([session.browser.page.waitForEvent('download'), action()]);
    return file;
  }

  async function nameIt(name: string): Promise<void> {
    const input = session.browser.page.locator('[data-testid="name-input"]');
    await input.waitFor();
    await input.fill(name);
    await input.press('Enter');
  }

  test('Save As asks for the name and downloads the workflow under it', async () => {
    const { editor, browser } = session;
    await editor.open(session.serve.url);
    const saved = await download(async () => {
      await browser.page.click('[data-testid="save-as"]');
      assert.equal(await browser.page.inputValue('[data-testid="name-input"]'), 'default');
      await browser.screenshot('save-as-name');
      await nameIt('sky at dusk');
    });
    assert.equal(saved.suggestedFilename(), 'sky at dusk.json');
    const written = JSON.parse(await readFile(await saved.path(), 'utf8')) as Workflow;
    assert.deepEqual(written, await editor.snapshot());
    assert.equal(await title(), 'sky at dusk');
    assert.deepEqual(await recent(), ['sky at dusk']);
  });

  test('Save of a named document downloads without asking', async () => {
    const saved = await download(() => session.browser.page.click('[data-testid="save"]'));
    assert.equal(saved.suggestedFilename(), 'sky at dusk.json');
    assert.equal(await session.browser.page.$('[data-testid="name-dialog"]'), null);
  });

  test('Save of an untitled document asks; Cancel saves nothing', async () => {
    const { browser } = session;
    await browser.page.click('[data-testid="new"]');
    let downloads = 0;
    const count = () => downloads++;
    browser.page.on('download', count);
    await browser.page.keyboard.press('Control+s');
    await browser.page.locator('[data-testid="name-input"]').waitFor();
    assert.equal(await browser.page.inputValue('[data-testid="name-input"]'), 'Untitled');
    await browser.page.click('[data-testid="name-cancel"]');
    assert.equal(await browser.page.$('[data-testid="name-dialog"]'), null);
    assert.equal(downloads, 0);
    assert.match((await title())!, /(^|● )Untitled$/);
    browser.page.off('download', count);
  });

  test('clicking the title renames the document; the next Save uses the name, and a reload keeps it', async () => {
    const { editor, browser } = session;
    await browser.page.click('[data-testid="load-default"]');
    await browser.page.locator('[data-testid="document-title"]', { hasText: /^default$/ }).waitFor();
    await browser.page.click('[data-testid="document-title"]');
    const field = browser.page.locator('[data-testid="document-title-input"]');
    await field.fill('portrait study');
    await browser.screenshot('rename-title');
    await field.press('Enter');
    assert.equal(await title(), 'portrait study');
    // Escape keeps the name.
    await browser.page.click('[data-testid="document-title"]');
    await field.fill('not this');
    await field.press('Escape');
    assert.equal(await title(), 'portrait study');
    const saved = await download(() => browser.page.click('[data-testid="save"]'));
    assert.equal(saved.suggestedFilename(), 'portrait study.json');
    await browser.page.reload();
    await editor.waitReady();
    assert.equal(await title(), 'portrait study');
  });

  test('Recent lists opened files and work left unsaved, which reopens unsaved', async () => {
    const { editor, browser } = session;
    await editor.dropFile('scalecrafter-4x.json', readFileSync(WORKFLOW), 'application/json');
    await browser.page.locator('[data-testid="document-title"]', { hasText: /^scalecrafter-4x$/ }).waitFor();
    assert.deepEqual(await recent(), ['scalecrafter-4x (opened)', 'portrait study', 'sky at dusk']);
    // An edit, then Default with "discard": the edited graph stays reachable.
    const sampler = (await editor.snapshot()).nodes.find((node) => node.type === 'Sampler')!.id;
    await editor.typeNumber(sampler, 'steps', 9);
    await browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.dirty());
    const edited = await editor.snapshot();
    browser.page.once('dialog', (dialog: Dialog) => void dialog.accept());
    await browser.page.click('[data-testid="load-default"]');
    await browser.page.locator('[data-testid="document-title"]', { hasText: /^default$/ }).waitFor();
    assert.deepEqual(await recent(), ['scalecrafter-4x (unsaved changes)', 'scalecrafter-4x (opened)', 'portrait study', 'sky at dusk']);
    await browser.screenshot('recent-list');
    await browser.page.selectOption('[data-testid="recent-files"]', { label: 'scalecrafter-4x (unsaved changes)' });
    await browser.page.locator('[data-testid="document-title"]', { hasText: /^● scalecrafter-4x$/ }).waitFor();
    assert.deepEqual(await editor.snapshot(), edited);
    assert.equal(await editor.dirty(), true);
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});
