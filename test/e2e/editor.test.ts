/**
 * The editor end to end: Debian's Chromium (playwright-core) against a real `scalecrafter serve`
 * running the default workflow's model (the bundled emoji model). One browser and one server for the whole file; the tests run in order
 * and build on each other (the second run needs the first run's cache, the drop needs its PNG).
 * Screenshots land in test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Workflow } from '../../app/protocol/index.js';
import { comfyUiWorkflowSchema } from '../support/comfyui-workflow-schema.js';
import { defaultWorkflow, nodeOfType } from '../support/default-workflow.js';
import type { EditorPage } from './editor-page.js';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const SAMPLER = 5;
const DEFAULT_NODE_IDS = ['1', '2', '3', '4', '5', '6', '7'];
const DEFAULTS = defaultWorkflow();
const STEPS = Number(nodeOfType(DEFAULTS, 'Sampler').widgets.steps);
const WIDTH = Number(nodeOfType(DEFAULTS, 'EmptyLatentImage').widgets.width);
const PROMPT = String(nodeOfType(DEFAULTS, 'TextEncode', 0).widgets.text);
/** Twenty times the default's steps: the run is still sampling when Cancel lands, on any machine. */
const LONG_STEPS = 20 * STEPS;
/** The Sampler's status line while it samples the default workflow. */
const SAMPLING = new RegExp(`step \\d+/${STEPS}`);


describe('the node editor in a browser', { timeout: 300_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  let saved: Workflow;

  test('opens with the default workflow; queueing shows progress per node, then the image', async () => {
    // These tests replace edited graphs on purpose (New, Default, drops): say yes to "discard?".
    session.browser.page.on('dialog', (dialog) => void dialog.accept());
    await session.editor.open(session.serve.url);
    const graph = await session.editor.snapshot();
    assert.deepEqual(graph.nodes.map((node) => node.type), ['LoadCheckpoint', 'TextEncode', 'TextEncode', 'EmptyLatentImage', 'Sampler', 'VAEDecode', 'SaveImage']);
    await session.browser.page.click('[data-testid="queue"]');
    const steps = session.browser.page.locator(`[data-testid="node-run"][data-node-id="${SAMPLER}"] .node-status`, { hasText: SAMPLING });
    await steps.waitFor({ timeout: 60_000 });
    assert.match(await session.browser.page.textContent('[data-testid="overall-status"]') ?? '', /^\d+%/);
    await session.browser.screenshot('01-progress');
    const statuses = await session.editor.waitForFinishedJob(1);
    assert.equal(statuses.job, 'done');
    assert.deepEqual(DEFAULT_NODE_IDS.map((id) => statuses[id]), DEFAULT_NODE_IDS.map(() => 'done'));
    const image = session.browser.page.locator('[data-testid="gallery-image"]').first();
    await image.waitFor();
    await session.browser.page.waitForFunction((width) => (globalThis as unknown as PageGlobals).document.querySelector('[data-testid="gallery-image"]')?.naturalWidth === width, WIDTH);
    await session.browser.page.locator('[data-testid="image-settings"]').first().waitFor();
    await session.browser.screenshot('02-first-image');
  });

  test('a number widget takes arithmetic without eval, and undo/redo restore it', async () => {
    const cfg = await session.editor.widgetBox(SAMPLER, 'cfg');
    await session.browser.page.mouse.click(cfg.left + cfg.width / 2, cfg.top + cfg.height / 2);
    const prompt = session.browser.page.locator('.graphdialog input.value');
    await prompt.fill('(2 + 1) * 2.5');
    await prompt.press('Enter');
    await session.browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes[4]?.widgets.cfg === 7.5);
    const steps = await session.editor.widgetBox(SAMPLER, 'steps');
    // The right-hand arrow of a number widget adds one step.
    await session.browser.page.mouse.click(steps.left + steps.width - 14 * (steps.height / 20), steps.top + steps.height / 2);
    await waitForWidget(session.editor, SAMPLER, 'steps', STEPS + 1);
    await session.browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.title.startsWith('● '));
    assert.equal(await session.editor.dirty(), true);
    await session.browser.page.keyboard.press('Control+z');
    await waitForWidget(session.editor, SAMPLER, 'steps', STEPS);
    await session.browser.page.keyboard.press('Control+Shift+z');
    await waitForWidget(session.editor, SAMPLER, 'steps', STEPS + 1);
    // A reload is a killed tab: the autosave brings the unsaved graph back, still marked unsaved.
    await session.browser.page.reload();
    await session.editor.waitReady();
    await waitForWidget(session.editor, SAMPLER, 'steps', STEPS + 1);
    assert.equal(await session.editor.dirty(), true);
    assert.match(await session.browser.page.title(), /^● default/);
  });

  test('queueing again after a widget change re-runs only the nodes downstream of it', async () => {
    // The reload before this test kept the first job listed (restored from the engine's history).
    const finished = (await session.editor.finishedJobs()).length;
    assert.equal(finished, 1);
    await session.browser.page.keyboard.press('Control+Enter');
    const statuses = await session.editor.waitForFinishedJob(finished + 1);
    assert.equal(statuses.job, 'done');
    assert.deepEqual(
      DEFAULT_NODE_IDS.map((id) => [id, statuses[id]]),
      [['1', 'cached'], ['2', 'cached'], ['3', 'cached'], ['4', 'cached'], ['5', 'done'], ['6', 'done'], ['7', 'done']],
    );
    assert.equal((await session.editor.decoration(1))?.kind, 'cached');
    await session.browser.screenshot('03-second-run-cached');
  });

  test('a link between sockets of different types is refused', async () => {
    const before = (await session.editor.snapshot()).links.length;
    // CLIP (Load Checkpoint output 1) onto the VAE input of VAE Decode.
    await session.editor.drag(await session.editor.slotPoint(1, 'output', 1), await session.editor.slotPoint(6, 'input', 1));
    await session.browser.page.keyboard.press('Escape');
    const after = await session.editor.snapshot();
    assert.equal(after.links.length, before);
    assert.equal(after.links.find((link) => link.target_id === 6 && link.target_slot === 1)?.type, 'VAE');
  });

  test('Ctrl+S saves; a reload restores the same graph; opening the saved file gives it back', async () => {
    const [download] = await Promise.all([session.browser.page.waitForEvent('download'), session.browser.page.keyboard.press('Control+s')]);
    saved = JSON.parse(readFileSync((await download.path())!, 'utf8')) as Workflow;
    assert.deepEqual(saved, await session.editor.snapshot());
    assert.equal(await session.editor.dirty(), false);
    assert.equal(await session.browser.page.locator('[data-testid="recent-files"] option', { hasText: 'default' }).count(), 1);
    await session.browser.page.reload();
    await session.editor.waitReady();
    assert.deepEqual(await session.editor.snapshot(), saved);
    await session.browser.page.click('[data-testid="new"]');
    assert.equal((await session.editor.snapshot()).nodes.length, 0);
    const [chooser] = await Promise.all([session.browser.page.waitForEvent('filechooser'), session.browser.page.click('[data-testid="open"]')]);
    await chooser.setFiles((await download.path())!);
    await session.browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 7);
    assert.deepEqual(await session.editor.snapshot(), saved);
  });

  test('"For ComfyUI…" downloads the graph as a ComfyUI workflow; the document stays as it was', async () => {
    const title = await session.browser.page.getByTestId('document-title').textContent();
    const downloaded = session.browser.page.waitForEvent('download');
    await session.browser.page.click('[data-testid="save-comfyui"]');
    // In the browser the name is asked first, as for Save As; it starts as the document's name for ComfyUI.
    assert.equal(await session.browser.page.inputValue('[data-testid="name-input"]'), `${title}.comfyui`);
    await session.browser.page.fill('[data-testid="name-input"]', 'for comfy');
    await session.browser.page.click('[data-testid="name-ok"]');
    const download = await downloaded;
    assert.equal(download.suggestedFilename(), 'for comfy.json');
    const comfy = comfyUiWorkflowSchema.parse(JSON.parse(readFileSync((await download.path())!, 'utf8')));
    assert.deepEqual(
      comfy.nodes.map((node) => node.type).sort(),
      ['CLIPTextEncode', 'CLIPTextEncode', 'CheckpointLoaderSimple', 'EmptyLatentImage', 'KSampler', 'SaveImage', 'VAEDecode'],
    );
    assert.equal(await session.browser.page.getByTestId('document-title').textContent(), title);
    assert.equal(await session.editor.dirty(), false);
  });

  test('dropping a PNG the app wrote restores the workflow it was made with', async () => {
    await session.browser.page.click('[data-testid="new"]');
    const pngs = readdirSync(session.serve.outputDir).filter((name) => name.endsWith('.png')).sort();
    assert.equal(pngs.length, 2);
    await session.editor.dropFile(pngs[1]!, readFileSync(path.join(session.serve.outputDir, pngs[1]!)), 'image/png');
    await session.browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 7);
    // The second image was made with one step more than the default: the graph it restores is the one saved after it.
    assert.deepEqual(await session.editor.snapshot(), saved);
    await session.browser.screenshot('04-dropped-png');
  });

  test('an invalid graph shows its error on the node and field at fault', async () => {
    const broken = structuredClone(saved);
    const positive = broken.links.find((link) => link.target_id === SAMPLER && link.type === 'CONDITIONING' && link.target_slot === 1)!;
    broken.links = broken.links.filter((link) => link !== positive);
    for (const node of broken.nodes) {
      for (const output of node.outputs) output.links = (output.links ?? []).filter((id) => id !== positive.id);
      for (const input of node.inputs) if (input.link === positive.id) input.link = null;
    }
    await session.editor.dropFile('broken.json', Buffer.from(JSON.stringify(broken)), 'application/json');
    await session.browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().links.length === 8);
    await session.browser.page.click('[data-testid="queue"]');
    const problem = session.browser.page.locator('[data-testid="problem"]');
    await problem.first().waitFor();
    assert.deepEqual(await problem.evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-node-id'), row.getAttribute('data-field')])), [[String(SAMPLER), 'positive']]);
    const decoration = await session.editor.decoration(SAMPLER);
    assert.equal(decoration?.kind, 'failed');
    assert.match(decoration?.lines?.[0] ?? '', /positive/);
    await session.browser.screenshot('05-invalid-graph');
  });

  test('a seed set to increment moves on after queueing, as ComfyUI\'s control does', async () => {
    await session.browser.page.click('[data-testid="load-default"]');
    await session.browser.page.locator('[data-testid="document-title"]', { hasText: /^default$/ }).waitFor();
    const control = await session.editor.widgetBox(SAMPLER, 'seed control');
    const finished = (await session.editor.finishedJobs()).length;
    // The combo's right arrow steps fixed → increment.
    await session.browser.page.mouse.click(control.left + control.width - 14 * (control.height / 20), control.top + control.height / 2);
    await session.browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes[4]?.widget_controls.seed === 'increment');
    await session.browser.page.keyboard.press('Control+Enter');
    await waitForWidget(session.editor, SAMPLER, 'seed', 43);
    assert.equal((await session.editor.waitForFinishedJob(finished + 1)).job, 'done');
  });

  test('a prompt is edited in its text box; Cancel stops the run it started', async () => {
    const page = session.browser.page;
    const prompt = await session.editor.widgetBox(2, 'text');
    await page.mouse.click(prompt.left + prompt.width / 2, prompt.top + prompt.height / 2);
    const box = page.locator('textarea.widget-text-overlay');
    await box.waitFor();
    assert.equal(await box.inputValue(), PROMPT);
    await box.press('End');
    await box.type(', at dusk');
    await box.press('Escape');
    // Escape restores the text as it was; typing again and leaving the box keeps it.
    assert.equal((await session.editor.snapshot()).nodes[1]?.widgets.text, PROMPT);
    await page.mouse.click(prompt.left + prompt.width / 2, prompt.top + prompt.height / 2);
    await box.press('End');
    await box.type(', at dusk');
    await page.mouse.click(80, 120);
    assert.equal((await session.editor.snapshot()).nodes[1]?.widgets.text, `${PROMPT}, at dusk`);
    // The model widget is a drop-down of the engine's models (test/e2e/models.test.ts tests it in full).
    const model = await session.editor.widgetBox(1, 'model');
    await page.mouse.click(model.left + model.width / 2, model.top + model.height / 2);
    const choices = page.locator('[data-testid="choice-menu"] .choice');
    await choices.first().waitFor();
    // The default model first, then the tiny test models (created on first use), then the models folder's other folders: none here.
    const listed = [nodeOfType(DEFAULTS, 'LoadCheckpoint').widgets.model, 'tiny-sd', 'tiny-sdxl'];
    assert.deepEqual((await choices.evaluateAll((items) => items.map((item) => item.firstChild?.textContent))).slice(0, -1), listed);
    await page.keyboard.press('Escape');
    const steps = await session.editor.widgetBox(SAMPLER, 'steps');
    await page.mouse.click(steps.left + steps.width / 2, steps.top + steps.height / 2);
    const stepsPrompt = page.locator('.graphdialog input.value');
    await stepsPrompt.fill(String(LONG_STEPS));
    await stepsPrompt.press('Enter');
    await waitForWidget(session.editor, SAMPLER, 'steps', LONG_STEPS);
    const finished = (await session.editor.finishedJobs()).length;
    await page.click('[data-testid="queue"]');
    await page.locator(`[data-testid="node-run"][data-node-id="${SAMPLER}"] .node-status`, { hasText: new RegExp(`step \\d+/${LONG_STEPS}`) }).waitFor({ timeout: 60_000 });
    await page.click('[data-testid="cancel-job"]');
    assert.equal((await session.editor.waitForFinishedJob(finished + 1)).job, 'cancelled');
  });

  test('editing: search on double-click, the add-menu by category, links, copy/paste, delete, groups, collapse', async () => {
    const page = session.browser.page;
    await page.click('[data-testid="new"]');
    await session.editor.doubleClick({ x: 250, y: 250 });
    // litegraph focuses the search box's input on the next animation frame; keys typed before that
    // go to the canvas, so wait for the focus as a user waits for the caret.
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.activeElement?.matches('.litesearchbox input') === true);
    await page.keyboard.type('Join Text');
    await page.locator('.litesearchbox .lite-search-item[data-type="TextConcat"]').click();
    await page.mouse.click(700, 600, { button: 'right' });
    await page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Add Node' }).click();
    await page.locator('.litecontextmenu .litemenu-entry', { hasText: /^utils$/ }).click();
    await page.locator('.litecontextmenu .litemenu-entry', { hasText: /^output$/ }).click();
    await page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Show Text' }).click();
    const types = async () => (await session.editor.snapshot()).nodes.map((node) => node.type).sort();
    assert.deepEqual(await types(), ['ShowText', 'TextConcat']);
    const graph = await session.editor.snapshot();
    const concat = graph.nodes.find((node) => node.type === 'TextConcat')!.id;
    const show = graph.nodes.find((node) => node.type === 'ShowText')!.id;
    // Onto Show Text's text widget: a STRING output drives a STRING widget.
    await session.editor.drag(await session.editor.slotPoint(concat, 'output', 0), await session.editor.slotPoint(show, 'input', 0));
    const linked = await session.editor.snapshot();
    assert.deepEqual(linked.links.map((link) => [link.origin_id, link.target_id, link.type]), [[concat, show, 'STRING']]);
    assert.deepEqual(linked.nodes.find((node) => node.id === show)!.inputs.map((input) => input.name), ['text']);

    const title = await page.evaluate((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.screenPoint(id), concat);
    await page.mouse.click(title!.x, title!.y);
    await page.keyboard.press('Control+c');
    await page.mouse.move(title!.x + 40, title!.y + 260);
    await page.keyboard.press('Control+v');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 3);
    assert.deepEqual(await types(), ['ShowText', 'TextConcat', 'TextConcat']);
    await page.keyboard.press('Delete');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 2);

    // Empty canvas, well away from Show Text (added at 700, 600): a click on a node opens its own menu.
    await page.mouse.click(120, 720, { button: 'right' });
    await page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Add Group' }).click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().groups.length === 1);
    const showTitle = await page.evaluate((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.screenPoint(id), show);
    await page.mouse.click(showTitle!.x, showTitle!.y, { button: 'right' });
    await page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Collapse' }).click();
    await page.waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.find((node) => node.id === id)?.flags !== undefined, show);
    assert.deepEqual((await session.editor.snapshot()).nodes.find((node) => node.id === show)?.flags, { collapsed: true });
    await session.browser.screenshot('06-editing');
    await page.keyboard.press('Control+z');
    await page.waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.find((node) => node.id === id)?.flags === undefined, show);
    assert.equal((await session.editor.snapshot()).groups.length, 1);
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});

async function waitForWidget(editor: EditorPage, nodeId: number, widget: string, value: number): Promise<void> {
  await editor.page.waitForFunction(
    ([id, name, expected]) => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.find((node) => node.id === id)?.widgets[name] === expected,
    [nodeId, widget, value] as const,
    { timeout: 5000 },
  );
}
