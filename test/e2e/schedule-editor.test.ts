/**
 * The dilation-schedule editor end to end: Debian's Chromium against a real `scalecrafter serve`
 * with the bundled emoji model. The 16× workflow (LoadCheckpoint → ReDilate → NoiseDampedCFG → Sampler) is
 * dropped on the canvas, ReDilate is selected, and the panel's heat map is read through what it
 * exposes in the DOM (active steps per block, the hovered cell) — never by pixel. Expected step
 * counts come from the documented tau rule ("active while step / steps < end"), cell values from
 * the engine's own scheduleTable reply. Screenshots land in test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { ScheduleTable, Workflow } from '../../app/protocol/index.js';
import { groupConvsByBlock } from '../../renderer/src/schedule/conv-groups.js';
import { heatMapLayout } from '../../renderer/src/schedule/heat-map-layout.js';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';
import { requestScheduleTable } from './schedule-table-request.js';

const WORKFLOW = new URL('../../workflows/scalecrafter-16x.json', import.meta.url);
const [SAMPLER, LATENT, REDILATE, NDCFG] = [5, 4, 8, 9];
const PANEL = '[data-testid="schedule-panel"]';

/** The number of steps at which a patch with step range [0, end) is active: step / steps < end. */
const activeSteps = (end: number, steps: number) => Array.from({ length: steps }, (_, step) => step / steps < end).filter(Boolean).length;

/** The factor a layers widget ("block:factor" per line) gives `block`. */
const listedFactor = (layers: unknown, block: string) => Number(String(layers).split('\n').find((line) => line.startsWith(`${block}:`))!.split(':')[1]);


describe('the dilation-schedule editor', { timeout: 300_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();

  /** Waits for the panel to settle on a table for `nodeId` with nothing loading, then reads a block's row. */
  async function blockRow(block: string, expectedActive?: number): Promise<{ active: number; max: number }> {
    await session.browser.page.waitForFunction(
      ([panel, name, expected]) => {
        const page = globalThis as unknown as PageGlobals;
        const root = page.document.querySelector(panel);
        const row = page.document.querySelector(`${panel} [data-testid="schedule-block"][data-block="${name}"]`);
        return root?.getAttribute('data-state') === 'ready' && row !== null && (expected === null || row.getAttribute('data-active-steps') === String(expected));
      },
      [PANEL, block, expectedActive ?? null] as const,
      { timeout: 30_000 },
    );
    const row = session.browser.page.locator(`${PANEL} [data-testid="schedule-block"][data-block="${block}"]`);
    return { active: Number(await row.getAttribute('data-active-steps')), max: Number(await row.getAttribute('data-max-dilation')) };
  }

  async function setNumber(nodeId: number, widget: string, value: number): Promise<void> {
    const box = await session.editor.widgetBox(nodeId, widget);
    await session.browser.page.mouse.click(box.left + box.width / 2, box.top + box.height / 2);
    const prompt = session.browser.page.locator('.graphdialog input.value');
    await prompt.fill(String(value));
    await prompt.press('Enter');
    await session.browser.page.waitForFunction(
      ([id, name, expected]) => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.find((node) => node.id === id)?.widgets[name] === expected,
      [nodeId, widget, value] as const,
      { timeout: 5000 },
    );
  }

  const engineTable = async (nodeId: number): Promise<ScheduleTable> => requestScheduleTable(session.serve.url, (await session.editor.snapshot()) as Workflow, nodeId);

  test('selecting ReDilate shows the heat map of the schedule the Sampler gets', async () => {
    await session.editor.open(session.serve.url);
    await session.editor.dropFile('scalecrafter-16x.json', readFileSync(WORKFLOW), 'application/json');
    await session.browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 9);
    assert.equal(await session.browser.page.locator(PANEL).isVisible(), false, 'the panel shows only while a schedule node is selected');
    const workflow = (await session.editor.snapshot()) as Workflow;
    const reDilate = workflow.nodes.find((node) => node.id === REDILATE)!;
    const steps = workflow.nodes.find((node) => node.id === SAMPLER)!.widgets.steps as number;

    const title = await session.browser.page.evaluate((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.screenPoint(id), REDILATE);
    await session.browser.page.mouse.click(title!.x, title!.y);
    await session.browser.page.locator(PANEL).waitFor({ state: 'visible' });
    const down1 = await blockRow('down_blocks.1');
    assert.equal(down1.active, activeSteps(reDilate.widgets.end as number, steps));
    assert.equal(down1.max, listedFactor(reDilate.widgets.layers, 'down_blocks.1'));
    assert.equal((await blockRow('down_blocks.0')).active, 0, 'down_blocks.0 is not in the layer list');
    const panel = session.browser.page.locator(PANEL);
    assert.equal(await panel.getAttribute('data-node-id'), String(REDILATE));
    assert.equal(await panel.getAttribute('data-read-node-id'), String(NDCFG), 'read where the chain meets the Sampler');
    assert.equal(await panel.getAttribute('data-steps'), String(steps));
    assert.equal(await panel.getAttribute('data-pass'), 'main');
    await session.browser.screenshot('schedule-01-redilate');
  });

  test('changing tau (end) on the node updates the map live', async () => {
    const steps = Number(await session.browser.page.locator(PANEL).getAttribute('data-steps'));
    await setNumber(REDILATE, 'end', 0.4);
    const down1 = await blockRow('down_blocks.1', activeSteps(0.4, steps));
    assert.equal(down1.active, Math.ceil(0.4 * steps));
    const perConv = (await session.browser.page.locator('[data-testid="schedule-heat-map"]').getAttribute('data-active-steps'))!.split(',').map(Number);
    const table = await engineTable(NDCFG);
    assert.deepEqual(perConv, table.convs.map((_, conv) => table.main.filter((row) => row[conv]! > 1).length));
  });

  test('the ND-CFG base pass is one click away, and hovering a cell reads it out', async () => {
    const page = session.browser.page;
    await page.click('[data-testid="schedule-pass-noiseDampedBase"]');
    assert.equal(await page.locator(PANEL).getAttribute('data-pass'), 'noiseDampedBase');
    const workflow = await session.editor.snapshot();
    const ndcfg = workflow.nodes.find((node) => node.id === NDCFG)!;
    const steps = Number(await page.locator(PANEL).getAttribute('data-steps'));
    const mid = await blockRow('mid_block', activeSteps(ndcfg.widgets.end as number, steps));
    assert.equal(mid.max, listedFactor(ndcfg.widgets.layers, 'mid_block'), 'the factor NoiseDampedCFG lists for mid_block');
    assert.equal((await blockRow('down_blocks.1')).active, 0, 'ReDilate does not touch the base pass');

    const table = await engineTable(NDCFG);
    const conv = table.convs.indexOf('up_blocks.0.resnets.1.conv1');
    const canvas = page.locator('[data-testid="schedule-heat-map"]');
    const box = (await canvas.boundingBox())!;
    const layout = heatMapLayout(groupConvsByBlock(table.convs), table.steps, box.width);
    await page.mouse.move(box.x + layout.gridLeft + 1.5 * layout.cellWidth, box.y + layout.rowTops[conv]! + layout.rowHeight / 2);
    const readout = page.locator('[data-testid="schedule-readout"]');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelector('[data-testid="schedule-readout"]')?.getAttribute('data-conv') !== null);
    assert.equal(await readout.getAttribute('data-conv'), 'up_blocks.0.resnets.1.conv1');
    assert.equal(await readout.getAttribute('data-step'), '2');
    const dilation = table.noiseDampedBase[1]![conv];
    assert.ok(dilation! > 1, 'the hovered cell is re-dilated');
    assert.equal(await readout.getAttribute('data-dilation'), String(dilation));
    assert.equal((await readout.textContent())!.trim(), `up_blocks.0.resnets.1.conv1 · step 2/${steps} · ×${dilation}`);
    await session.browser.screenshot('schedule-02-ndcfg-pass');
    await page.click('[data-testid="schedule-pass-main"]');
    assert.equal(await page.locator(PANEL).getAttribute('data-pass'), 'main');
  });

  test('a layer that matches no conv is shown in the panel, naming the field', async () => {
    const page = session.browser.page;
    const layers = await session.editor.widgetBox(REDILATE, 'layers');
    await page.mouse.click(layers.left + layers.width / 2, layers.top + layers.height / 2);
    const box = page.locator('textarea.widget-text-overlay');
    await box.waitFor();
    await box.fill('down_blocks.1\nup_blocks.9');
    const issue = page.locator('[data-testid="schedule-issue"]');
    await issue.waitFor({ timeout: 30_000 });
    assert.equal(await issue.getAttribute('data-field'), 'layers');
    assert.match((await issue.textContent())!, /up_blocks\.9/);
    assert.equal(await page.locator(PANEL).getAttribute('data-state'), 'error');
    await session.browser.screenshot('schedule-03-error');
    // Escape puts the text back; the error goes with it.
    await box.press('Escape');
    await page.locator('[data-testid="schedule-issue"]').waitFor({ state: 'detached', timeout: 30_000 });
    await blockRow('down_blocks.1', activeSteps(0.4, Number(await page.locator(PANEL).getAttribute('data-steps'))));
  });

  test('auto-queue on change re-runs the Sampler and what follows; the rest comes from the cache', async () => {
    const page = session.browser.page;
    // A small, short run (half the workflow's sides): the check is which nodes run, not the picture.
    const latent = (await session.editor.snapshot()).nodes.find((node) => node.id === LATENT)!.widgets;
    await setNumber(SAMPLER, 'steps', 3);
    await setNumber(LATENT, 'width', Number(latent.width) / 2);
    await setNumber(LATENT, 'height', Number(latent.height) / 2);
    const title = await page.evaluate((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.screenPoint(id), REDILATE);
    await page.mouse.click(title!.x, title!.y);
    await page.check('[data-testid="schedule-auto-queue"]');
    await setNumber(REDILATE, 'end', 0.7);
    const first = await session.editor.waitForFinishedJob(1);
    assert.equal(first.job, 'done');
    await setNumber(REDILATE, 'end', 0.35);
    const second = await session.editor.waitForFinishedJob(2);
    assert.equal(second.job, 'done');
    // The patch nodes were already run with the new value to compute the table the panel shows
    // (the engine caches that probe), so the job samples and decodes only.
    const upstream = ['1', '2', '3', '4', String(REDILATE), String(NDCFG)];
    const downstream = [String(SAMPLER), '6', '7'];
    assert.deepEqual(upstream.map((id) => second[id]), upstream.map(() => 'cached'));
    assert.deepEqual(downstream.map((id) => [id, second[id]]), downstream.map((id) => [id, 'done']));
    await session.browser.screenshot('schedule-04-auto-queue');
    assert.equal(await page.isChecked('[data-testid="schedule-auto-queue"]'), true);
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});
