/**
 * Subgraph tools inside an opened subgraph and on Save, end to end (Debian's Chromium, a real
 * `serve`): an instance inside a subgraph offers Unpack, which puts its nodes back into that
 * subgraph (which stays open); an Empty Latent Image added inside starts at the model's training
 * size (32² for the emoji model) as on the workflow; Save leaves out definitions no instance uses
 * any more (the nested one unpacked, then all once the last instance is deleted), and undo brings
 * them back. Screenshots land in test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import type { Workflow } from '../../app/protocol/index.js';
import { INSTANCE_ID, NEGATIVE_ID, PROMPTS_ID, subgraphWorkflow } from '../support/subgraph-workflow.js';
import type { PageGlobals, Point } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const NEGATIVE = 'blurry';

interface Definition {
  id: string;
  nodes: Workflow['nodes'];
}

const definitionsOf = (workflow: Workflow) => ((workflow.definitions as { subgraphs?: Definition[] } | undefined)?.subgraphs ?? []);

describe('subgraph tools inside a subgraph and on Save', { timeout: 300_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  const page = () => session.browser.page;
  const point = async (id: number): Promise<Point> => (await page().evaluate((nodeId) => (globalThis as unknown as PageGlobals).scalecrafterDebug.screenPoint(nodeId), id))!;
  const menuEntry = async (nodeId: number, entry: string) => {
    const at = await point(nodeId);
    await page().mouse.click(at.x, at.y, { button: 'right' });
    await page().locator('.litecontextmenu .litemenu-entry', { hasText: entry }).click();
  };
  const prompts = async () => definitionsOf(await session.editor.snapshot()).find((definition) => definition.id === PROMPTS_ID)!;
  /** Polls the snapshot until `ready` holds (an edit settles within a moment). */
  const snapshotWhen = async (ready: (workflow: Workflow) => boolean): Promise<Workflow> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const workflow = await session.editor.snapshot();
      if (ready(workflow) || Date.now() > deadline) return workflow;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const save = async (): Promise<Workflow> => {
    const [download] = await Promise.all([page().waitForEvent('download'), page().click('[data-testid="save"]')]);
    return JSON.parse(await readFile(await download.path(), 'utf8')) as Workflow;
  };

  test('an instance inside a subgraph unpacks there; the subgraph stays open and the unused definition is not saved', async () => {
    const { editor, browser } = session;
    page().on('dialog', (dialog) => void dialog.accept());
    await editor.open(session.serve.url);
    const workflow = subgraphWorkflow('a smiling cat face');
    const [definition] = definitionsOf(workflow);
    definition!.nodes.find((node) => node.id === NEGATIVE_ID)!.widgets.text = NEGATIVE;
    await editor.dropFile('prompts.json', Buffer.from(JSON.stringify(workflow)), 'application/json');
    await page().waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.nodeSummary(id) !== null, INSTANCE_ID);
    await menuEntry(INSTANCE_ID, 'Open subgraph');
    await page().waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.subgraphPath().length === 1);
    const negative = await point(NEGATIVE_ID);
    await page().mouse.click(negative.x, negative.y);
    await menuEntry(NEGATIVE_ID, 'Convert to Subgraph');
    const converted = await snapshotWhen((snapshot) => definitionsOf(snapshot).length === 2);
    const nested = definitionsOf(converted).find((candidate) => candidate.id === PROMPTS_ID)!.nodes.find((node) => node.type !== 'TextEncode')!;
    assert.ok(nested, 'the negative encoder became an instance inside Prompts');

    await menuEntry(nested.id, 'Unpack subgraph');
    const unpacked = await snapshotWhen((snapshot) => definitionsOf(snapshot).length === 1);
    assert.deepEqual(definitionsOf(unpacked).map((candidate) => candidate.id), [PROMPTS_ID], 'the nested definition, used no more, is left out');
    assert.deepEqual((await prompts()).nodes.map((node) => [node.type, node.widgets.text]).sort(), [['TextEncode', 'a smiling cat face'], ['TextEncode', NEGATIVE]]);
    assert.deepEqual(await page().evaluate(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.subgraphPath().map((level) => level.name)), ['Prompts']);
    await browser.screenshot('subgraph-tools-01-unpacked-inside');
    assert.deepEqual(definitionsOf(await save()).map((candidate) => candidate.id), [PROMPTS_ID]);
  });

  test('an Empty Latent Image added inside the subgraph starts at the model\'s training size', async () => {
    const { editor, browser } = session;
    const canvas = (await page().locator('#graph-canvas').boundingBox())!;
    const before = new Set((await prompts()).nodes.map((node) => node.id));
    // Bottom left: below the boundary's inputs, clear of the nodes and the minimap.
    await editor.doubleClick({ x: canvas.x + 200, y: canvas.y + canvas.height - 100 });
    await page().waitForFunction(() => (globalThis as unknown as PageGlobals).document.activeElement?.matches('.litesearchbox input') === true);
    await page().keyboard.type('Empty Latent');
    await page().locator('.litesearchbox .lite-search-item[data-type="EmptyLatentImage"]').click();
    const added = await snapshotWhen((snapshot) => definitionsOf(snapshot)[0]!.nodes.some((node) => !before.has(node.id)));
    const latent = definitionsOf(added)[0]!.nodes.find((node) => !before.has(node.id))!;
    assert.equal(latent.type, 'EmptyLatentImage');
    assert.deepEqual([latent.widgets.width, latent.widgets.height], [32, 32]);
    await browser.screenshot('subgraph-tools-02-latent-inside');
    // Added with its size in one step: undo takes the node away.
    await page().keyboard.press('Control+z');
    await snapshotWhen((snapshot) => definitionsOf(snapshot)[0]!.nodes.length === before.size);
    assert.equal((await prompts()).nodes.length, before.size);
  });

  test('with its last instance deleted a definition is not saved; undo brings both back', async () => {
    const { editor } = session;
    await page().locator('[data-testid="crumb"]', { hasText: 'Workflow' }).click();
    const instance = await point(INSTANCE_ID);
    await page().mouse.click(instance.x, instance.y);
    await page().keyboard.press('Delete');
    await snapshotWhen((snapshot) => !snapshot.nodes.some((node) => node.id === INSTANCE_ID));
    const file = await save();
    assert.ok(!file.nodes.some((node) => node.id === INSTANCE_ID));
    assert.deepEqual(definitionsOf(file), []);
    await page().keyboard.press('Control+z');
    const restored = await snapshotWhen((snapshot) => snapshot.nodes.some((node) => node.id === INSTANCE_ID));
    assert.deepEqual(definitionsOf(restored).map((candidate) => candidate.id), [PROMPTS_ID]);
    assert.equal(await editor.dirty(), true);
  });

  test('no page error happened', () => {
    // litegraph's own Convert to Subgraph inside a subgraph logs that it cannot find the boundary link it just moved.
    assert.deepEqual(session.browser.errors.filter((error) => !/^console: Link not found \d+$/.test(error)), []);
  });
});
