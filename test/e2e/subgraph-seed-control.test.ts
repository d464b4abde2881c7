/**
 * Queue moves a seed inside a subgraph on, as ComfyUI's frontend does (Debian's Chromium, a real
 * `serve`): the Prompts subgraph also holds a PrimitiveInt set to "increment" whose value leaves the
 * subgraph as an output and drives the Sampler's seed; after Queue the value in the definition is
 * one higher, and Save writes it.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { SUBGRAPH_OUTPUT_NODE_ID, type Workflow, type WorkflowNode } from '../../app/protocol/index.js';
import { nodeOfType } from '../support/default-workflow.js';
import { INSTANCE_ID, PROMPTS_ID, subgraphWorkflow } from '../support/subgraph-workflow.js';
import type { PageGlobals } from './page-globals.js';
import { chromiumSkip, useEditorSession } from './editor-session.js';

const SEED_NODE = 3;
const START = 41;
const [INNER_LINK, SEED_LINK] = [6, 500];

/** The subgraph workflow with the seed inside: PrimitiveInt → the subgraph's `seed` output → the Sampler's seed. */
function seededWorkflow(): Workflow {
  const workflow = subgraphWorkflow('grinning face, twemoji');
  const definition = (workflow.definitions as { subgraphs: { outputs: unknown[]; nodes: WorkflowNode[]; links: unknown[] }[] }).subgraphs[0]!;
  definition.outputs.push({ name: 'seed', type: 'INT' });
  definition.nodes.push({
    id: SEED_NODE, type: 'PrimitiveInt', version: 1, pos: [0, 520], size: [300, 90], mode: 0, inputs: [],
    outputs: [{ name: 'INT', type: 'INT', links: [INNER_LINK] }], widgets: { value: START }, widget_controls: { value: 'increment' }, properties: {},
  });
  definition.links.push({ id: INNER_LINK, origin_id: SEED_NODE, origin_slot: 0, target_id: SUBGRAPH_OUTPUT_NODE_ID, target_slot: 2, type: 'INT' });
  workflow.nodes.find((node) => node.id === INSTANCE_ID)!.outputs.push({ name: 'seed', type: 'INT', links: [SEED_LINK] });
  const sampler = nodeOfType(workflow, 'Sampler');
  sampler.inputs.push({ name: 'seed', type: 'INT', link: SEED_LINK, widget: { name: 'seed' } });
  workflow.links.push({ id: SEED_LINK, origin_id: INSTANCE_ID, origin_slot: 2, target_id: sampler.id, target_slot: sampler.inputs.length - 1, type: 'INT' });
  workflow.last_link_id = Math.max(workflow.last_link_id, SEED_LINK);
  return workflow;
}

const innerValue = (workflow: Workflow) =>
  (workflow.definitions as { subgraphs: { id: string; nodes: WorkflowNode[] }[] }).subgraphs.find((definition) => definition.id === PROMPTS_ID)!.nodes.find((node) => node.id === SEED_NODE)!.widgets.value;

describe('a seed inside a subgraph after Queue', { timeout: 300_000, skip: chromiumSkip }, () => {
  const session = useEditorSession();

  test('moves on by its control in the definition, and Save writes the moved value', async () => {
    const { editor, browser } = session;
    browser.page.on('dialog', (dialog) => void dialog.accept());
    await editor.open(session.serve.url);
    await editor.dropFile('seeded.json', Buffer.from(JSON.stringify(seededWorkflow())), 'application/json');
    await browser.page.waitForFunction((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.nodeSummary(id) !== null, INSTANCE_ID);
    assert.equal(innerValue(await editor.snapshot()), START);
    await browser.page.click('[data-testid="queue"]');
    assert.equal((await editor.waitForFinishedJob(1)).job, 'done');
    await editor.settled();
    assert.equal(innerValue(await editor.snapshot()), START + 1);
    const [download] = await Promise.all([browser.page.waitForEvent('download'), browser.page.click('[data-testid="save"]')]);
    const file = JSON.parse(await readFile(await download.path(), 'utf8')) as Workflow;
    assert.equal(innerValue(file), START + 1);
  });
});
