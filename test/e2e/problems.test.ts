/**
 * Problems follow their cause, end to end (Debian's Chromium, a real `serve`): a file with a missing
 * link is flagged as soon as it is opened, not at Queue; linking the socket clears the Problems
 * entry, the node's mark and the "cannot run" notice. Screenshots land in test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Workflow } from '../../app/protocol/index.js';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const WORKFLOW = new URL('../../workflows/scalecrafter-4x.json', import.meta.url);
const SAMPLER = 5;

/** The 4× workflow without the link into the Sampler's positive input. */
function withoutPositive(): { workflow: Workflow; from: number } {
  const workflow = JSON.parse(readFileSync(WORKFLOW, 'utf8')) as Workflow;
  const sampler = workflow.nodes.find((node) => node.id === SAMPLER)!;
  const input = sampler.inputs.find((candidate) => candidate.name === 'positive')!;
  const link = workflow.links.find((candidate) => candidate.id === input.link)!;
  workflow.links = workflow.links.filter((candidate) => candidate !== link);
  for (const node of workflow.nodes) for (const output of node.outputs) output.links = (output.links ?? []).filter((id) => id !== link.id);
  input.link = null;
  return { workflow, from: link.origin_id };
}

describe('problems follow their cause', { timeout: 200_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();
  const problems = () => session.browser.page.locator('[data-testid="problem"]');

  test('an opened file with a missing link is flagged at once', async () => {
    const { editor, browser } = session;
    await editor.open(session.serve.url);
    await editor.dropFile('broken.json', Buffer.from(JSON.stringify(withoutPositive().workflow)), 'application/json');
    await problems().first().waitFor({ timeout: 15_000 });
    assert.deepEqual(await problems().evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-node-id'), row.getAttribute('data-field')])), [[String(SAMPLER), 'positive']]);
    assert.equal((await editor.decoration(SAMPLER))?.kind, 'failed');
    await browser.page.keyboard.press('Control+Enter');
    await browser.page.locator('.notice-error', { hasText: 'cannot run' }).waitFor();
    await browser.screenshot('problems-01-on-open');
  });

  test('linking the socket clears the entry, the mark and the notice', async () => {
    const { editor, browser } = session;
    const { from } = withoutPositive();
    const slot = (await editor.snapshot()).nodes.find((node) => node.id === SAMPLER)!.inputs.findIndex((input) => input.name === 'positive');
    await editor.drag(await editor.slotPoint(from, 'output', 0), await editor.slotPoint(SAMPLER, 'input', slot));
    await problems().first().waitFor({ state: 'detached', timeout: 15_000 });
    await browser.page.locator('.notice-error', { hasText: 'cannot run' }).waitFor({ state: 'detached', timeout: 5000 });
    assert.notEqual((await editor.decoration(SAMPLER))?.kind, 'failed');
    assert.ok(await browser.page.evaluate(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot().links.some((link) => link.target_id === 5 && link.type === 'CONDITIONING')));
    await browser.screenshot('problems-02-fixed');
  });

  test('no Content-Security-Policy violation and no page error happened', async () => {
    assert.deepEqual(await session.browser.cspViolations(), []);
    assert.deepEqual(session.browser.errors, []);
  });
});
