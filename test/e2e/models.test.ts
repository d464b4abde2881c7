/**
 * Models on the canvas, end to end (Debian's Chromium, a real `serve`): LoadCheckpoint's model is
 * a drop-down of the models the engine sees, each with its training size, read afresh when it
 * opens (a folder added while the page is open appears); a workflow naming a model the engine does
 * not have keeps the name, shown as missing; a new Empty Latent Image starts at the training size
 * of its model (32² for emoji-pixel-32), the one the graph names or the one a link makes it feed.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Workflow } from '../../app/protocol/index.js';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const CHECKPOINT = 1;
const SAMPLER = 5;
const DEFAULT_WORKFLOW = new URL('../../workflows/default.json', import.meta.url);
/** The Sampler's LATENT socket on the canvas (after model, positive, negative). */
const SAMPLER_LATENT_SLOT = 3;

describe('the model picker and model-sized latents', { timeout: 200_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  const menu = '[data-testid="choice-menu"]';

  async function openPicker(nodeId: number): Promise<string[]> {
    const { editor, browser } = session;
    const box = await editor.widgetBox(nodeId, 'model');
    await browser.page.mouse.click(box.left + box.width / 2, box.top + box.height / 2);
    await browser.page.waitForSelector(menu);
    return browser.page.$$eval(`${menu} .choice`, (items) => items.map((item) => (item.textContent ?? '') + ((item as unknown as { disabled: boolean }).disabled ? ' [disabled]' : '')));
  }

  const widgetDisplay = (nodeId: number, widget: string) => session.browser.page.evaluate(([id, name]) => (globalThis as unknown as PageGlobals).scalecrafterDebug.widgetDisplay(id, name), [nodeId, widget] as const);
  const widgets = async (nodeId: number) => (await session.editor.snapshot()).nodes.find((node) => node.id === nodeId)!.widgets;

  async function addBySearch(query: string, type: string, at = { x: 150, y: 110 }): Promise<number> {
    const { editor, browser } = session;
    const before = new Set((await editor.snapshot()).nodes.map((node) => node.id));
    await editor.doubleClick(at);
    await browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.activeElement?.matches('.litesearchbox input') === true);
    await browser.page.keyboard.type(query);
    await browser.page.locator(`.litesearchbox .lite-search-item[data-type="${type}"]`).click();
    await browser.page.waitForFunction((known) => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.some((node) => !known.includes(node.id)), [...before]);
    return (await editor.snapshot()).nodes.find((node) => !before.has(node.id))!.id;
  }

  test('the picker lists the engine\'s models with their training sizes; picking one sets it', async () => {
    const { editor, browser } = session;
    await editor.open(session.serve.url);
    // tiny-sd and tiny-sdxl are written on first use: no size is known before.
    assert.deepEqual(await openPicker(CHECKPOINT), ['emoji-pixel-3232×32', 'tiny-sd', 'tiny-sdxl', 'Other name or path…']);
    await browser.screenshot('model-picker');
    await browser.page.locator(`${menu} .choice`, { hasText: 'tiny-sd' }).first().click();
    assert.equal((await widgets(CHECKPOINT)).model, 'tiny-sd');
    await browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.dirty());
    await browser.page.keyboard.press('Control+z');
    await browser.page.waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.find((node) => node.id === id)!.widgets.model === 'emoji-pixel-32', CHECKPOINT);
  });

  test('a model folder added while the page is open is listed the next time the picker opens', async () => {
    const { browser } = session;
    const folder = path.join(session.serve.modelsDir, 'added-later');
    mkdirSync(path.join(folder, 'unet'), { recursive: true });
    writeFileSync(path.join(folder, 'model_index.json'), '{}');
    writeFileSync(path.join(folder, 'unet', 'config.json'), JSON.stringify({ sample_size: 48 }));
    assert.deepEqual(await openPicker(CHECKPOINT), ['emoji-pixel-3232×32', 'tiny-sd', 'tiny-sdxl', 'added-later384×384', 'Other name or path…']);
    await browser.page.keyboard.press('Escape');
    assert.equal(await browser.page.$(menu), null);
  });

  test('a workflow naming a model the engine lacks keeps the name, shown as missing', async () => {
    const { editor, browser } = session;
    const workflow = JSON.parse(readFileSync(DEFAULT_WORKFLOW, 'utf8')) as Workflow;
    workflow.nodes.find((node) => node.id === CHECKPOINT)!.widgets.model = 'sd_xl_base_1.0.safetensors';
    await editor.dropFile('from-another-machine.json', Buffer.from(JSON.stringify(workflow)), 'application/json');
    await browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.title.startsWith('from-another-machine'));
    assert.equal((await widgets(CHECKPOINT)).model, 'sd_xl_base_1.0.safetensors');
    assert.equal(await widgetDisplay(CHECKPOINT, 'model'), '⚠ sd_xl_base_1.0.safetensors (missing)');
    assert.equal(await editor.dirty(), false);
    const choices = await openPicker(CHECKPOINT);
    assert.equal(choices[0], '⚠ sd_xl_base_1.0.safetensors (missing)not in the models folder [disabled]');
    await browser.screenshot('model-picker-missing');
    // Free text stays possible: a name or a path typed in.
    await browser.page.locator(`${menu} .choice`, { hasText: 'Other name or path' }).click();
    const field = browser.page.locator('input.widget-text-overlay');
    await field.fill('added-later');
    await field.press('Enter');
    assert.equal((await widgets(CHECKPOINT)).model, 'added-later');
    assert.equal(await widgetDisplay(CHECKPOINT, 'model'), 'added-later');
  });

  test('a new Empty Latent Image starts at the training size of the graph\'s model', async () => {
    const { browser } = session;
    // The document holds the model name typed above: the page asks before replacing it.
    browser.page.once('dialog', (dialog) => void dialog.accept());
    await browser.page.click('[data-testid="load-default"]');
    await browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.title.startsWith('default'));
    const latent = await addBySearch('Empty Latent', 'EmptyLatentImage');
    assert.deepEqual([(await widgets(latent)).width, (await widgets(latent)).height], [32, 32]);
    // Added with its size in one step: undo takes the node away, not the size.
    await browser.page.keyboard.press('Control+z');
    await browser.page.waitForFunction((id) => !(globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.some((node) => node.id === id), latent);
  });

  test('with two models in the graph, linking the latent to a Sampler sizes it for that Sampler\'s model', async () => {
    const { editor, browser } = session;
    const second = await addBySearch('Load Checkpoint', 'LoadCheckpoint', { x: 150, y: 720 });
    await openPicker(second);
    await browser.page.locator(`${menu} .choice`, { hasText: 'added-later' }).click();
    const latent = await addBySearch('Empty Latent', 'EmptyLatentImage');
    assert.deepEqual([(await widgets(latent)).width, (await widgets(latent)).height], [512, 512], 'two models: no guess');
    await editor.drag(await editor.slotPoint(latent, 'output', 0), await editor.slotPoint(SAMPLER, 'input', SAMPLER_LATENT_SLOT));
    await browser.page.waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.find((node) => node.id === id)!.widgets.width === 32, latent);
    assert.equal((await widgets(latent)).height, 32);
    await browser.screenshot('latent-sized-by-link');
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});
