import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import type { RequestResult, Workflow } from '../../app/protocol/index.js';
import { nodeOfType } from '../support/default-workflow.js';
import { EngineHarness } from '../support/engine-harness.js';
import { tinyModelsDir } from '../support/tiny-model.js';

const example = (name: string) => JSON.parse(readFileSync(new URL(`../../workflows/${name}`, import.meta.url), 'utf8')) as Workflow;

describe('the schedule table request (what the schedule editor draws)', () => {
  let engine: EngineHarness;
  before(async () => {
    engine = new EngineHarness({ modelsDir: await tinyModelsDir() });
  });
  const table = async (workflow: Workflow, nodeId: number, steps?: number) =>
    (await engine.service.handle('scheduleTable', { workflow, nodeId: String(nodeId), ...(steps ? { steps } : {}) })) as RequestResult<'scheduleTable'>;

  test('a constant ReDilate: factor 2 on its layers while step < round(end · steps), the Sampler\'s step count by default', async () => {
    const workflow = example('scalecrafter-4x.json');
    const redilate = nodeOfType(workflow, 'ReDilate');
    const result = await table(workflow, redilate.id);
    assert.ok(result.ok, JSON.stringify(result));
    const { steps, convs, main, noiseDampedBase } = result.table;
    assert.equal(steps, nodeOfType(workflow, 'Sampler').widgets.steps);
    const listed = (conv: string) => ['down_blocks.1.', 'mid_block.', 'up_blocks.0.'].some((prefix) => conv.startsWith(prefix));
    const active = Math.round(0.6 * steps);
    main.forEach((row, step) => row.forEach((dilation, index) => assert.equal(dilation, step < active && listed(convs[index]!) ? 2 : 1, `step ${step}, ${convs[index]}`)));
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
    // Progressive from 4 over 35 steps (SCALECRAFTER.md §5): 0–8 → 4, 9–17 → 3, 18–34 → 2, then plain.
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
