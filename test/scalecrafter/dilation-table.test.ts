import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dilationTable, effectiveConvDilations, effectiveConvList } from '../../app/scalecrafter/dilation-table.js';
import { DEFAULT_DISPERSION_PARAMS } from '../../app/scalecrafter/dispersion-transform.js';
import { type ScaleCrafterSchedule } from '../../app/scalecrafter/schedule.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

const CANDIDATES = ['down_blocks.0.resnets.0.conv1', 'down_blocks.0.downsamplers.0.conv', 'mid_block.resnets.0.conv1'];
const off = { kind: 'off' } as const;

describe('effective conv sets', () => {
  test('keep the UNet order, take the last of duplicate entries, and report unknown names', () => {
    const result = effectiveConvDilations(
      [
        { conv: 'mid_block.resnets.0.conv1', dilation: 2 },
        { conv: 'down_blocks.3.resnets.0.conv1', dilation: 4 },
        { conv: 'down_blocks.0.resnets.0.conv1', dilation: 3 },
        { conv: 'mid_block.resnets.0.conv1', dilation: 2.5 },
      ],
      CANDIDATES,
    );
    assert.deepEqual(result.effective, [
      { conv: 'down_blocks.0.resnets.0.conv1', dilation: 3 },
      { conv: 'mid_block.resnets.0.conv1', dilation: 2.5 },
    ]);
    assert.deepEqual(result.ignored, ['down_blocks.3.resnets.0.conv1']);
  });

  test('work the same for plain conv lists', () => {
    const result = effectiveConvList(['up_blocks.2.upsamplers.0.conv', 'mid_block.resnets.0.conv1'], CANDIDATES);
    assert.deepEqual(result, { effective: ['mid_block.resnets.0.conv1'], ignored: ['up_blocks.2.upsamplers.0.conv'] });
  });
});

describe('dilationTable', () => {
  test('a custom schedule: later window, ND-CFG on the plain UNet, dispersion flags in both passes', () => {
    const schedule: ScaleCrafterSchedule = {
      redilation: { kind: 'constant', convs: [{ conv: 'mid_block.resnets.0.conv1', dilation: 3 }], steps: { start: 0.25, end: 0.75 } },
      noiseDampedGuidance: { kind: 'constant', convs: [], steps: { start: 0, end: 0.5 } },
      dispersion: { kind: 'dispersed', convs: ['mid_block.resnets.0.conv1'], transform: DEFAULT_DISPERSION_PARAMS, steps: { start: 0, end: 0.25 } },
    };
    const table = dilationTable(schedule, CANDIDATES, 8);
    assert.deepEqual(table.perStep.map((controls) => controls.main[2]), [1, 1, 3, 3, 3, 3, 1, 1]);
    assert.deepEqual(
      table.perStep.map((controls) => controls.noiseDampedBase),
      [[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1], null, null, null, null],
    );
    assert.deepEqual(table.perStep.map((controls) => controls.dispersed), [
      [false, false, true], [false, false, true], [false, false, false], [false, false, false],
      [false, false, false], [false, false, false], [false, false, false], [false, false, false],
    ]);
  });

  test('a conv listed at 1 stays plain in a progressive schedule (documented deviation from the floor of 2)', () => {
    const schedule: ScaleCrafterSchedule = {
      redilation: {
        kind: 'progressive',
        convs: [{ conv: 'down_blocks.0.resnets.0.conv1', dilation: 1 }, { conv: 'mid_block.resnets.0.conv1', dilation: 4 }],
        steps: { start: 0, end: 1 },
      },
      noiseDampedGuidance: off,
      dispersion: off,
    };
    const table = dilationTable(schedule, CANDIDATES, 4);
    assert.deepEqual(table.perStep.map((controls) => controls.main), [[1, 1, 4], [1, 1, 3], [1, 1, 2], [1, 1, 2]]);
  });

  test('checks the schedule first', () => {
    const schedule: ScaleCrafterSchedule = {
      redilation: { kind: 'constant', convs: [], steps: { start: 0, end: 1.5 } },
      noiseDampedGuidance: off,
      dispersion: off,
    };
    assert.throws(() => dilationTable(schedule, CANDIDATES, 10), UserFacingError);
    assert.throws(() => dilationTable({ redilation: off, noiseDampedGuidance: off, dispersion: off }, CANDIDATES, 0), /positive integer/);
  });
});

describe('explicit (painted) schedules', () => {
  const painted: ScaleCrafterSchedule = {
    redilation: { kind: 'explicit', convs: ['mid_block.resnets.0.conv1', 'down_blocks.3.resnets.0.conv1'], perStep: [[2, 4], [1.5, 4], [1, 4]] },
    noiseDampedGuidance: { kind: 'explicit', convs: ['down_blocks.0.resnets.0.conv1'], perStep: [[3], null, null] },
    dispersion: { kind: 'explicit', convs: ['down_blocks.0.downsamplers.0.conv'], transform: DEFAULT_DISPERSION_PARAMS, perStep: [[false], [true], [false]] },
  };

  test('give every cell exactly as painted, plain where a conv is not named, and report names the UNet lacks', () => {
    const table = dilationTable(painted, CANDIDATES, 3);
    assert.deepEqual(table.perStep.map((step) => step.main), [[1, 1, 2], [1, 1, 1.5], [1, 1, 1]]);
    assert.deepEqual(table.perStep.map((step) => step.noiseDampedBase), [[3, 1, 1], null, null]);
    assert.deepEqual(table.perStep.map((step) => step.dispersed), [[false, false, false], [false, true, false], [false, false, false]]);
    assert.deepEqual(table.ignored.redilation, ['down_blocks.3.resnets.0.conv1']);
  });

  test('fit only the step count they were painted for', () => {
    assert.throws(() => dilationTable(painted, CANDIDATES, 4), (error) => error instanceof UserFacingError && /painted for 3 steps but the Sampler runs 4/.test(error.message));
  });

  test('refuse a dilation below 1 and a row of the wrong width', () => {
    const below = { ...painted, redilation: { kind: 'explicit', convs: ['mid_block.resnets.0.conv1'], perStep: [[0.5], [1], [1]] } } as const;
    assert.throws(() => dilationTable(below, CANDIDATES, 3), /dilation of mid_block.resnets.0.conv1 is 0.5/);
    const narrow = { ...painted, redilation: { kind: 'explicit', convs: ['mid_block.resnets.0.conv1'], perStep: [[2], [], [1]] } } as const;
    assert.throws(() => dilationTable(narrow, CANDIDATES, 3), /step 1 has 0 dilations for 1 convs/);
  });
});
