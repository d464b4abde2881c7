/**
 * ComfyUI subgraphs in the editor, end to end (Debian's Chromium, a real `serve`): an instance shows
 * its definition's slots, name and promoted widget; it opens (double-click, or "Open subgraph") onto
 * the definition's nodes between its input and output boundary, with a breadcrumb back; edits inside
 * (a widget, a link removed, a link to the boundary that adds an output, a node deleted) go into the
 * definition, undo and redo, mark the tab unsaved, are saved, and are what Queue runs: the same pixels
 * as the flat default workflow with those edits. Convert to Subgraph runs as before and Unpack puts the
 * nodes back; a subgraph made inside one opens nested, with a three-level breadcrumb. The tests build
 * on each other, in order. Screenshots land in test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { SUBGRAPH_INPUT_NODE_ID, SUBGRAPH_WIDGET_VALUES_PROPERTY, type Workflow } from '../../app/protocol/index.js';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { defaultWorkflow, nodeOfType } from '../support/default-workflow.js';
import { INNER_TEXT, INSTANCE_ID, NEGATIVE_ID, POSITIVE_ID, PROMPTS_ID, subgraphWorkflow, TEXT_LINK } from '../support/subgraph-workflow.js';
import type { PageGlobals, Point } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const PROMOTED = 'grinning face, twemoji';
const SUBGRAPH_PREFIX = 'subgraph';
const CONVERTED_PREFIX = 'converted';

/** The workflow the tests open: its prompts in a subgraph, its image saved under its own prefix. */
function opened(): Workflow {
  const workflow = subgraphWorkflow(PROMOTED);
  nodeOfType(workflow, 'SaveImage').widgets.filename_prefix = SUBGRAPH_PREFIX;
  return workflow;
}
const NEGATIVE = 'blurry';

interface Definition {
  id: string;
  name: string;
  outputs: { name: string; type: string }[];
  nodes: Workflow['nodes'];
  links: { id: number; origin_id: number; origin_slot: number; target_id: number; target_slot: number }[];
}

const definitionOf = (workflow: Workflow) => (workflow.definitions as { subgraphs: Definition[] }).subgraphs.find((definition) => definition.id === PROMPTS_ID)!;

describe('subgraphs in the editor', { timeout: 400_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  const summary = (nodeId: number) => session.browser.page.evaluate((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.nodeSummary(id), nodeId);
  const subgraphPath = () => session.browser.page.evaluate(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.subgraphPath().map((level) => level.name));
  const boundarySlot = async (side: 'input' | 'output', index: number): Promise<Point> => {
    await session.editor.settled();
    const point = await session.browser.page.evaluate(([which, at]) => (globalThis as unknown as PageGlobals).scalecrafterDebug.boundarySlotPoint(which, at), [side, index] as const);
    if (!point) throw new Error(`no boundary ${side} ${index}`);
    return point;
  };
  const saved = (): Promise<Definition> => session.editor.snapshot().then(definitionOf);
  const outputImage = (prefix: string) => {
    const name = readdirSync(session.serve.outputDir).find((candidate) => candidate.startsWith(prefix) && candidate.endsWith('.png'));
    assert.ok(name, `an image named ${prefix}… was written`);
    return decodePng(readFileSync(path.join(session.serve.outputDir, name)));
  };
  /** Polls the saved definition until `ready` holds (an edit settles within a moment). */
  const definitionWhen = async (ready: (definition: Definition) => boolean): Promise<Definition> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const definition = await saved();
      if (ready(definition) || Date.now() > deadline) return definition;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const texts = (definition: Definition) => Object.fromEntries(definition.nodes.map((node) => [node.id, node.widgets.text]));
  const fromBoundary = (definition: Definition, slot: number) => definition.links.filter((link) => link.origin_id === SUBGRAPH_INPUT_NODE_ID && link.origin_slot === slot);

  test('an instance shows its definition\'s name, typed slots and promoted widget, whose value is edited on the node', async () => {
    const { editor, browser } = session;
    browser.page.on('dialog', (dialog) => void dialog.accept());
    await editor.open(session.serve.url);
    await editor.dropFile('prompts.json', Buffer.from(JSON.stringify(opened())), 'application/json');
    await browser.page.waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.nodeSummary(id) !== null, INSTANCE_ID);
    assert.deepEqual(await summary(INSTANCE_ID), {
      title: 'Prompts',
      inputs: [['clip', 'CLIP'], ['text', 'STRING']],
      outputs: [['positive', 'CONDITIONING'], ['negative', 'CONDITIONING']],
      widgets: ['text'],
    });
    assert.equal(await browser.page.evaluate((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.widgetDisplay(id, 'text'), INSTANCE_ID), PROMOTED);
    assert.equal(await editor.dirty(), false);
    await browser.screenshot('subgraph-01-instance');
    // The promoted widget is the instance's own: edited on the node, saved where the engine reads it.
    const box = await editor.widgetBox(INSTANCE_ID, 'text');
    await browser.page.mouse.click(box.left + box.width / 2, box.top + box.height / 2);
    const field = browser.page.locator('textarea.widget-text-overlay');
    await field.waitFor();
    await field.press('End');
    await field.type(', smiling');
    await field.press('Tab');
    const promotedValues = async () => (await editor.snapshot()).nodes.find((node) => node.id === INSTANCE_ID)!.properties[SUBGRAPH_WIDGET_VALUES_PROPERTY];
    await browser.page.waitForFunction(([id, key]) => {
      const values = (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.find((node) => node.id === id)!.properties[key];
      return Array.isArray(values) && values[0] !== undefined && String(values[0]).endsWith(', smiling');
    }, [INSTANCE_ID, SUBGRAPH_WIDGET_VALUES_PROPERTY] as const);
    assert.deepEqual(await promotedValues(), [`${PROMOTED}, smiling`]);
    assert.equal(await editor.dirty(), true);
    const canvas = (await browser.page.locator('#graph-canvas').boundingBox())!;
    await browser.page.mouse.click(canvas.x + canvas.width - 60, canvas.y + canvas.height / 2);
    await browser.page.keyboard.press('Control+z');
    await browser.page.waitForFunction(() => !(globalThis as unknown as PageGlobals).scalecrafterDebug.dirty());
    assert.deepEqual(await promotedValues(), [PROMOTED]);
  });

  test('double-click opens the definition between its boundary, with a breadcrumb back', async () => {
    const { editor, browser } = session;
    const clip = await editor.slotPoint(INSTANCE_ID, 'input', 0);
    const out = await editor.slotPoint(INSTANCE_ID, 'output', 0);
    await editor.doubleClick({ x: (clip.x + out.x) / 2, y: clip.y });
    await browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.subgraphPath().length === 1);
    assert.deepEqual(await subgraphPath(), ['Prompts']);
    assert.deepEqual(await browser.page.locator('[data-testid="crumb"]').allTextContents(), ['Workflow', 'Prompts']);
    assert.equal((await summary(POSITIVE_ID))?.title, 'Text Encode');
    assert.ok(await boundarySlot('input', 1));
    assert.equal(await editor.dirty(), false, 'opening a subgraph is not an edit');
    await browser.screenshot('subgraph-02-opened');
    await browser.page.locator('[data-testid="crumb"]', { hasText: 'Workflow' }).click();
    assert.deepEqual(await subgraphPath(), []);
    assert.equal(await browser.page.locator('[data-testid="subgraph-breadcrumb"]').isHidden(), true);
    assert.equal((await summary(INSTANCE_ID))?.title, 'Prompts');
  });

  test('edits inside go into the definition: a widget (undo, redo), a link removed, a link to the boundary, a node deleted (undo)', async () => {
    const { editor, browser } = session;
    const page = browser.page;
    const title = (await page.evaluate((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.screenPoint(id), INSTANCE_ID))!;
    await page.mouse.click(title.x, title.y, { button: 'right' });
    await page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Open subgraph' }).click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.subgraphPath().length === 1);

    const box = await editor.widgetBox(NEGATIVE_ID, 'text');
    await page.mouse.click(box.left + box.width / 2, box.top + box.height / 2);
    const field = page.locator('textarea.widget-text-overlay');
    await field.waitFor();
    await field.type(NEGATIVE);
    await field.press('Tab');
    assert.equal(texts(await definitionWhen((definition) => texts(definition)[NEGATIVE_ID] === NEGATIVE))[NEGATIVE_ID], NEGATIVE);
    assert.equal(await editor.dirty(), true);
    const canvas = (await page.locator('#graph-canvas').boundingBox())!;
    const empty = { x: canvas.x + canvas.width - 60, y: canvas.y + canvas.height / 2 };
    await page.mouse.click(empty.x, empty.y);
    await page.keyboard.press('Control+z');
    assert.equal(texts(await definitionWhen((definition) => texts(definition)[NEGATIVE_ID] === ''))[NEGATIVE_ID], '');
    assert.deepEqual(await subgraphPath(), ['Prompts'], 'undo stays in the subgraph');
    await page.keyboard.press('Control+y');
    assert.equal(texts(await definitionWhen((definition) => texts(definition)[NEGATIVE_ID] === NEGATIVE))[NEGATIVE_ID], NEGATIVE);

    // The link from the subgraph's `text` to the positive encoder, deleted from its marker's menu.
    await editor.settled();
    const marker = (await page.evaluate((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.linkCentre(id), TEXT_LINK))!;
    await page.mouse.click(marker.x, marker.y);
    await page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Delete' }).click();
    assert.deepEqual(fromBoundary(await definitionWhen((definition) => fromBoundary(definition, 1).length === 0), 1), []);
    // A link from the positive encoder to the output boundary's empty slot adds a subgraph output.
    await editor.drag(await editor.slotPoint(POSITIVE_ID, 'output', 0), await boundarySlot('output', 2));
    const edited = await definitionWhen((definition) => definition.outputs.length === 3);
    assert.deepEqual(edited.outputs.map((output) => output.type), ['CONDITIONING', 'CONDITIONING', 'CONDITIONING']);
    await browser.screenshot('subgraph-03-edited');
    // A node deleted inside goes from the definition, and undo brings it back, links and all.
    const negativeTitle = (await page.evaluate((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.screenPoint(id), NEGATIVE_ID))!;
    await page.mouse.click(negativeTitle.x, negativeTitle.y);
    await page.keyboard.press('Delete');
    assert.equal((await definitionWhen((definition) => definition.nodes.length === 1)).nodes.length, 1);
    await page.keyboard.press('Control+z');
    const restored = await definitionWhen((definition) => definition.nodes.length === 2);
    assert.deepEqual(restored.links, edited.links);

    await page.locator('[data-testid="crumb"]', { hasText: 'Workflow' }).click();
    const instance = (await summary(INSTANCE_ID))!;
    assert.equal(instance.outputs.length, 3, 'every instance shows the new output');
    assert.deepEqual(instance.widgets, [], 'the text input no longer feeds a widget, so nothing is promoted');
    await browser.screenshot('subgraph-04-instance-after-edits');
  });

  test('Save writes the edited definition', async () => {
    const { editor, browser } = session;
    const [download] = await Promise.all([browser.page.waitForEvent('download'), browser.page.click('[data-testid="save"]')]);
    const file = JSON.parse(await readFile(await download.path(), 'utf8')) as Workflow;
    const definition = definitionOf(file);
    assert.equal(texts(definition)[NEGATIVE_ID], NEGATIVE);
    assert.equal(texts(definition)[POSITIVE_ID], INNER_TEXT);
    assert.deepEqual(fromBoundary(definition, 1), []);
    assert.equal(definition.outputs.length, 3);
    assert.deepEqual(file, await editor.snapshot());
    assert.equal(await editor.dirty(), false);
  });

  test('Queue runs the edited definition: the same pixels as the flat workflow with those edits', async () => {
    const { editor, browser } = session;
    await browser.page.click('[data-testid="queue"]');
    assert.equal((await editor.waitForFinishedJob(1)).job, 'done');
    const flat = defaultWorkflow();
    nodeOfType(flat, 'TextEncode', 0).widgets.text = INNER_TEXT;
    nodeOfType(flat, 'TextEncode', 1).widgets.text = NEGATIVE;
    nodeOfType(flat, 'SaveImage').widgets.filename_prefix = 'flat';
    await editor.dropFile('flat.json', Buffer.from(JSON.stringify(flat)), 'application/json');
    await browser.page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.length === 7);
    await browser.page.click('[data-testid="queue"]');
    assert.equal((await editor.waitForFinishedJob(2)).job, 'done');
    const [fromSubgraph, fromFlat] = [outputImage(SUBGRAPH_PREFIX), outputImage('flat')];
    assert.deepEqual([fromSubgraph.width, fromSubgraph.height], [fromFlat.width, fromFlat.height]);
    assert.ok(Buffer.from(fromSubgraph.data).equals(Buffer.from(fromFlat.data)), 'the subgraph run and the flat run give the same pixels');
  });

  test('Convert to Subgraph turns the selected prompts into an instance of a new definition that runs as before; Unpack puts them back', async () => {
    const { editor, browser } = session;
    const page = browser.page;
    const point = async (id: number) => (await page.evaluate((nodeId) => (globalThis as unknown as PageGlobals).scalecrafterDebug.screenPoint(nodeId), id))!;
    const encoders = (await editor.snapshot()).nodes.filter((node) => node.type === 'TextEncode').map((node) => node.id);
    const [first, second] = [await point(encoders[0]!), await point(encoders[1]!)];
    await page.mouse.click(first.x, first.y);
    await page.keyboard.down('Shift');
    await page.mouse.click(second.x, second.y);
    await page.keyboard.up('Shift');
    await page.mouse.click(first.x, first.y, { button: 'right' });
    await page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Convert to Subgraph' }).click();
    await page.waitForFunction(() => !(globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.some((node) => node.type === 'TextEncode'));
    const converted = await editor.snapshot();
    const [definition] = (converted.definitions as { subgraphs: Definition[] & { inputs: { type: string }[] }[] }).subgraphs;
    const instance = converted.nodes.find((node) => node.type === definition!.id)!;
    assert.deepEqual(definition!.nodes.map((node) => node.widgets.text), [INNER_TEXT, NEGATIVE]);
    assert.deepEqual(instance.inputs.map((input) => input.type), ['CLIP'], 'one input: both encoders took the same CLIP');
    assert.deepEqual(instance.outputs.map((output) => output.type), ['CONDITIONING', 'CONDITIONING']);
    await browser.screenshot('subgraph-05-converted');
    // Its own file prefix, so that the run writes an image of its own rather than finding it cached.
    const save = nodeOfType(converted, 'SaveImage').id;
    const prefixBox = await editor.widgetBox(save, 'filename_prefix');
    await page.mouse.click(prefixBox.left + prefixBox.width / 2, prefixBox.top + prefixBox.height / 2);
    await page.locator('input.widget-text-overlay').fill(CONVERTED_PREFIX);
    await page.locator('input.widget-text-overlay').press('Enter');
    await page.click('[data-testid="queue"]');
    assert.equal((await editor.waitForFinishedJob(3)).job, 'done');
    assert.ok(Buffer.from(outputImage(CONVERTED_PREFIX).data).equals(Buffer.from(outputImage('flat').data)), 'the converted workflow gives the same pixels');

    const instancePoint = await point(instance.id);
    await page.mouse.click(instancePoint.x, instancePoint.y, { button: 'right' });
    await page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Unpack subgraph' }).click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.filter((node) => node.type === 'TextEncode').length === 2);
    const unpacked = await editor.snapshot();
    assert.ok(!unpacked.nodes.some((node) => node.id === instance.id));
    const sampler = nodeOfType(unpacked, 'Sampler');
    const feeder = (name: string) => {
      const link = unpacked.links.find((candidate) => candidate.id === sampler.inputs.find((input) => input.name === name)!.link)!;
      return unpacked.nodes.find((node) => node.id === link.origin_id)!.widgets.text;
    };
    assert.deepEqual([feeder('positive'), feeder('negative')], [INNER_TEXT, NEGATIVE]);
    await page.keyboard.press('Control+z');
    await page.waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().nodes.some((node) => node.id === id), instance.id);
  });

  test('a subgraph made inside a subgraph opens nested; the breadcrumb goes back one level or all the way', async () => {
    const { editor, browser } = session;
    const page = browser.page;
    const point = async (id: number) => (await page.evaluate((nodeId) => (globalThis as unknown as PageGlobals).scalecrafterDebug.screenPoint(nodeId), id))!;
    await page.locator('[data-testid="workflow-tab"]', { hasText: 'prompts' }).click();
    await page.waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.nodeSummary(id) !== null, INSTANCE_ID);
    const instance = await point(INSTANCE_ID);
    await page.mouse.click(instance.x, instance.y, { button: 'right' });
    await page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Open subgraph' }).click();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.subgraphPath().length === 1);
    const negative = await point(NEGATIVE_ID);
    await page.mouse.click(negative.x, negative.y);
    await page.mouse.click(negative.x, negative.y, { button: 'right' });
    await page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Convert to Subgraph' }).click();
    const prompts = await definitionWhen((definition) => !definition.nodes.some((node) => node.id === NEGATIVE_ID));
    const nested = prompts.nodes.find((node) => node.type !== 'TextEncode')!;
    assert.ok(nested, 'the negative encoder became an instance inside Prompts');
    const all = (await editor.snapshot()).definitions as { subgraphs: Definition[] };
    assert.deepEqual(all.subgraphs.find((definition) => definition.id === nested.type)!.nodes.map((node) => node.widgets.text), [NEGATIVE]);

    await editor.doubleClick(await editor.slotPoint(nested.id, 'input', 0).then((slot) => ({ x: slot.x + 60, y: slot.y })));
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.subgraphPath().length === 2);
    assert.deepEqual(await page.locator('[data-testid="crumb"]').allTextContents(), ['Workflow', 'Prompts', 'New Subgraph']);
    await browser.screenshot('subgraph-06-nested');
    await page.locator('[data-testid="crumb"]', { hasText: 'Prompts' }).click();
    assert.deepEqual(await subgraphPath(), ['Prompts']);
    await page.locator('[data-testid="crumb"]', { hasText: 'Workflow' }).click();
    assert.deepEqual(await subgraphPath(), []);
  });
});
