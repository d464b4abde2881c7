import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ScheduleTable } from '../../../app/protocol/index.js';
import { activeStepsPerConv, blockSummaries, lastActiveStep, passRuns } from '../../../renderer/src/schedule/schedule-summary.js';

/**
 * Four convs in two blocks over five steps: down 1 dilated ×3 then ×2 for three steps (progressive),
 * mid ×4 for the first two steps; the ND-CFG base pass runs at steps 1–2 only, with ×2 in mid; the
 * second mid conv is dispersed at step 1.
 */
const table: ScheduleTable = {
  nodeId: '9',
  steps: 5,
  convs: ['down_blocks.1.resnets.0.conv1', 'down_blocks.1.resnets.0.conv2', 'mid_block.resnets.0.conv1', 'mid_block.resnets.0.conv2'],
  main: [
    [3, 3, 4, 4],
    [2, 2, 4, 4],
    [2, 1.5, 1, 1],
    [1, 1, 1, 1],
    [1, 1, 1, 1],
  ],
  noiseDampedBase: [[1, 1, 2, 2], [1, 1, 2, 2], null, null, null],
  dispersed: [
    [false, false, false, true],
    [false, false, false, false],
    [false, false, false, false],
    [false, false, false, false],
    [false, false, false, false],
  ],
  ignored: [],
};

describe('schedule table summaries', () => {
  test('active steps per conv count the steps dilated above 1, per pass; steps where a pass is off count as plain', () => {
    assert.deepEqual(activeStepsPerConv(table, 'main'), [3, 3, 2, 2]);
    assert.deepEqual(activeStepsPerConv(table, 'noiseDampedBase'), [0, 0, 2, 2]);
  });

  test('one summary per block: most active steps, 1-based span, dilation range and dispersed steps', () => {
    assert.deepEqual(blockSummaries(table, 'main'), [
      { block: 'down_blocks.1', label: 'down 1', convs: 2, activeSteps: 3, stepSpan: [1, 3], dilationRange: [1.5, 3], dispersedSteps: 0 },
      { block: 'mid_block', label: 'mid', convs: 2, activeSteps: 2, stepSpan: [1, 2], dilationRange: [4, 4], dispersedSteps: 1 },
    ]);
    const base = blockSummaries(table, 'noiseDampedBase');
    assert.equal(base[0]!.stepSpan, null);
    assert.equal(base[0]!.dilationRange, null);
    assert.deepEqual(base[1]!.dilationRange, [2, 2]);
  });

  test('whether a pass runs, and its last dilated step (the effective tau)', () => {
    assert.equal(passRuns(table, 'main'), true);
    assert.equal(passRuns(table, 'noiseDampedBase'), true);
    assert.equal(passRuns({ ...table, noiseDampedBase: table.noiseDampedBase.map(() => null) }, 'noiseDampedBase'), false);
    assert.equal(lastActiveStep(table, 'main'), 3);
    assert.equal(lastActiveStep(table, 'noiseDampedBase'), 2);
    assert.equal(lastActiveStep({ ...table, main: table.main.map((row) => row.map(() => 1)) }, 'main'), 0);
  });
});
