/**
 * Runs and problems of nodes inside a subgraph, end to end (Debian's Chromium, a real `serve`): the
 * engine names an inner node `instance:inner`; on the workflow the instance shows its inner nodes'
 * marks, and inside the opened subgraph each inner node shows its own for that instance. A missing
 * link into an inner node is listed under Problems as "Prompts › Text Encode", marks the instance
 * naming the inner node, and clicking it opens the subgraph with that node selected. Screenshots
 * land in test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Workflow } from '../../app/protocol/index.js';
import { nodeOfType } from '../support/default-workflow.js';
import { INSTANCE_ID, NEGATIVE_ID, POSITIVE_ID, subgraphWorkflow } from '../support/subgraph-workflow.js';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

/** The definition's link from its `clip` input to the negative encoder. */
const NEGATIVE_CLIP_LINK = 2;

interface Definition {
  nodes: Workflow['nodes'];
  links: { id: number }[];
}

/** The subgraph workflow whose negative encoder, inside the definition, has lost its CLIP. */
function withoutInnerClip(): Workflow {
  const workflow = subgraphWorkflow('a red apple');
  const [definition] = (workflow.definitions as { subgraphs: Definition[] }).subgraphs;
  definition!.links = definition!.links.filter((link) => link.id !== NEGATIVE_CLIP_LINK);
  definition!.nodes.find((node) => node.id === NEGATIVE_ID)!.inputs[0]!.link = null;
  return workflow;
}

describe('runs and problems inside subgraphs', { timeout: 300_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  const page = () => session.browser.page;
  const path = () => page().evaluate(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.subgraphPath().length);
  const openInstance = async () => {
    const title = (await page().evaluate((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.screenPoint(id), INSTANCE_ID))!;
    await page().mouse.click(title.x, title.y, { button: 'right' });
    await page().locator('.litecontextmenu .litemenu-entry', { hasText: 'Open subgraph' }).click();
    await page().waitForFunction(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.subgraphPath().length === 1);
  };

  test('after a run the instance is marked done, and inside it each inner node has its own mark', async () => {
    const { editor, browser } = session;
    await editor.open(session.serve.url);
    const workflow = subgraphWorkflow('a smiling cat face');
    nodeOfType(workflow, 'SaveImage').widgets.filename_prefix = 'inner-marks';
    await editor.dropFile('prompts.json', Buffer.from(JSON.stringify(workflow)), 'application/json');
    await page().waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.nodeSummary(id) !== null, INSTANCE_ID);
    await page().click('[data-testid="queue"]');
    assert.equal((await editor.waitForFinishedJob(1)).job, 'done');
    await page().waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.decoration(id)?.kind === 'done', INSTANCE_ID);
    await browser.screenshot('subgraph-runs-01-instance-done');
    await openInstance();
    assert.equal((await editor.decoration(POSITIVE_ID))?.kind, 'done');
    assert.equal((await editor.decoration(NEGATIVE_ID))?.kind, 'done');
    await browser.screenshot('subgraph-runs-02-inner-done');
    await page().locator('[data-testid="crumb"]', { hasText: 'Workflow' }).click();
    assert.equal(await path(), 0);
  });

  test('a problem of an inner node marks the instance, names both, and its Problems entry opens the subgraph on the node', async () => {
    const { editor, browser } = session;
    await editor.dropFile('broken-prompts.json', Buffer.from(JSON.stringify(withoutInnerClip())), 'application/json');
    const problem = page().locator('[data-testid="problem"]');
    await problem.first().waitFor({ timeout: 15_000 });
    const innerId = `${INSTANCE_ID}:${NEGATIVE_ID}`;
    assert.deepEqual(await problem.evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-node-id'), row.getAttribute('data-field')])), [[innerId, 'clip']]);
    assert.match((await problem.first().locator('strong').textContent())!, new RegExp(`^Prompts › Text Encode #${innerId}$`));
    const mark = (await editor.decoration(INSTANCE_ID)) as { kind: string; lines: string[] };
    assert.equal(mark.kind, 'failed');
    assert.equal(mark.lines[0], `Text Encode #${NEGATIVE_ID}:`);
    assert.match(mark.lines[1]!, /clip/);
    await browser.screenshot('subgraph-runs-03-instance-failed');
    await problem.first().click();
    assert.equal(await path(), 1);
    assert.deepEqual(await page().evaluate(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.selectedNodes()), [NEGATIVE_ID]);
    assert.equal((await editor.decoration(NEGATIVE_ID))?.kind, 'failed');
    assert.equal(await editor.decoration(POSITIVE_ID), null);
    await browser.screenshot('subgraph-runs-04-inner-failed');
  });

  test('no page error happened', () => {
    assert.deepEqual(session.browser.errors, []);
  });
});
