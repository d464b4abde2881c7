import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import type { RequestResult, Workflow } from '../../app/protocol/index.js';
import { nodeOfType } from '../support/default-workflow.js';
import { emojiSourcesCopy } from '../support/emoji-model.js';
import { EngineHarness } from '../support/engine-harness.js';

const example = (name: string) => JSON.parse(readFileSync(new URL(`../../workflows/${name}`, import.meta.url), 'utf8')) as Workflow;

describe('the schedule table request (what the schedule editor draws)', () => {
  let engine: EngineHarness;
  before(() => {
    engine = new EngineHarness({ modelsDir: emojiSourcesCopy() });
  });
  const table = async (workflow: Workflow, nodeId: number, steps?: number) =>
    (await engine.service.handle('scheduleTable', { workflow, nodeId: String(nodeId), ...(steps ? { steps } : {}) })) as RequestResult<'scheduleTable'>;

  test('a constant ReDilate: each listed block at its factor while step < round(end · steps), the Sampler\'s step count by default', async () => {
    const workflow = example('scalecrafter-4x.json');
    const redilate = nodeOfType(workflow, 'ReDilate');
    const result = await table(workflow, redilate.id);
    assert.ok(result.ok, JSON.stringify(result));
    const { steps, convs, main, noiseDampedBase } = result.table;
    assert.equal(steps, nodeOfType(workflow, 'Sampler').widgets.steps);
    // The layers widget lists "block:factor", one per line.
    const blocks = String(redilate.widgets.layers).split('\n').map((line) => line.split(':') as [string, string]);
    const factorOf = (conv: string) => Number(blocks.find(([block]) => conv.startsWith(`${block}.`))?.[1] ?? 1);
    const active = Math.round(Number(redilate.widgets.end) * steps);
    main.forEach((row, step) => row.forEach((dilation, index) => assert.equal(dilation, step < active ? factorOf(convs[index]!) : 1, `step ${step}, ${convs[index]}`)));
    assert.ok(convs.some((conv) => factorOf(conv) === 1), 'some convs (the finest level) are left plain');
    assert.ok(noiseDampedBase.every((row) => row === null));
  });

  test('a tau edit shows in the table without running the Sampler', async () => {
    const workflow = example('scalecrafter-4x.json');
    const redilate = nodeOfType(workflow, 'ReDilate');
    redilate.widgets.end = 0.25;
    const result = await table(workflow, redilate.id, 8);
    assert.ok(result.ok);
    assert.deepEqual(result.table.main.map((row) => Math.max(...row)), [2, 2, 1, 1, 1, 1, 1, 1]);
    assert.ok(!engine.events.some((event) => event.type === 'executing'), 'a probe emits no run events');
  });

  test('progressive re-dilation and the ND-CFG base pass at the NoiseDampedCFG node', async () => {
    const workflow = example('scalecrafter-16x.json');
    const result = await table(workflow, nodeOfType(workflow, 'NoiseDampedCFG').id, 50);
    assert.ok(result.ok);
    const { convs, main, noiseDampedBase } = result.table;
    const mid = convs.indexOf('mid_block.resnets.0.conv1');
    // Progressive from 4 over 35 steps (docs/scalecrafter-method.md §5): 0–8 → 4, 9–17 → 3, 18–34 → 2, then plain.
    assert.deepEqual([0, 8, 9, 17, 18, 34, 35].map((step) => main[step]![mid]), [4, 4, 3, 3, 2, 2, 1]);
    assert.equal(noiseDampedBase[0]![mid], 4);
    assert.equal(noiseDampedBase[35], null);
  });

  test('a node without a MODEL output is refused by name', async () => {
    const workflow = example('scalecrafter-4x.json');
    const result = await table(workflow, nodeOfType(workflow, 'EmptyLatentImage').id);
    assert.ok(!result.ok);
    assert.match(result.issues[0]!.message, /does not output a MODEL/);
  });
});
