import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkSchedule, progressiveDilation, referenceStepRange, scheduledDilation, stepIndex, stepWindow, type DilationSchedule } from '../../app/scalecrafter/schedule.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

/** Expands [[lastStep, value], …] (inclusive ranges starting at 0) into one value per step. */
function expandRanges(ranges: readonly (readonly [number, number])[], steps: number): number[] {
  const values: number[] = [];
  for (const [last, value] of ranges) while (values.length <= last) values.push(value);
  while (values.length < steps) values.push(1);
  return values;
}

function progressiveRun(base: number, tau: number, steps: number): number[] {
  const schedule: DilationSchedule = {
    kind: 'progressive',
    convs: [{ conv: 'mid_block.resnets.0.conv1', dilation: base }],
    steps: referenceStepRange(tau),
  };
  return Array.from({ length: steps }, (_, step) => scheduledDilation(schedule, base, step, steps));
}

describe('tau as a fraction of the steps', () => {
  test('reproduces the reference taus exactly at 50 steps', () => {
    for (let tau = 0; tau <= 50; tau++) assert.equal(stepIndex(referenceStepRange(tau).end, 50), tau);
  });

  test('rounds half up at other step counts (documented rule ⌊f·N + ½⌋)', () => {
    // 35/50·25 = 17.5 → 18, 37/50·25 = 18.5 → 19, 37/50·30 = 22.2 → 22.
    const cases: [tau: number, steps: number, expected: number][] = [
      [35, 25, 18], [37, 25, 19], [30, 25, 15], [20, 25, 10],
      [35, 30, 21], [37, 30, 22], [30, 30, 18], [20, 30, 12],
    ];
    for (const [tau, steps, expected] of cases) {
      assert.equal(stepIndex(referenceStepRange(tau).end, steps), expected, `tau ${tau} at ${steps} steps`);
    }
  });

  test('a window covers [start, end) of the steps', () => {
    assert.deepEqual(stepWindow({ start: 0.2, end: 0.6 }, 10), { first: 2, end: 6 });
    assert.deepEqual(stepWindow({ start: 0, end: 1 }, 7), { first: 0, end: 7 });
  });

  test('rejects taus that are not step counts of the reference run', () => {
    assert.throws(() => referenceStepRange(51), UserFacingError);
    assert.throws(() => referenceStepRange(3.5), UserFacingError);
  });
});

describe('progressive dilation (docs/scalecrafter-method.md §5)', () => {
  test('τ = 35: base 4 → 0–8: 4, 9–17: 3, 18–34: 2; base 3 → 0–11: 3, 12–34: 2', () => {
    assert.deepEqual(progressiveRun(4, 35, 50), expandRanges([[8, 4], [17, 3], [34, 2]], 50));
    assert.deepEqual(progressiveRun(3, 35, 50), expandRanges([[11, 3], [34, 2]], 50));
  });

  test('τ = 37: base 4 → 0–9: 4, 10–18: 3, 19–36: 2; base 3 → 0–12: 3, 13–36: 2', () => {
    assert.deepEqual(progressiveRun(4, 37, 50), expandRanges([[9, 4], [18, 3], [36, 2]], 50));
    assert.deepEqual(progressiveRun(3, 37, 50), expandRanges([[12, 3], [36, 2]], 50));
  });

  test('base 2 stays 2 over the whole window (the floor of the rule)', () => {
    assert.deepEqual(progressiveRun(2, 35, 50), expandRanges([[34, 2]], 50));
  });

  // Expected ranges worked out by hand from d_i = max(ceil(d·(τ−i)/τ), 2) with the rescaled τ:
  // 25 steps: τ 35 → 18, τ 37 → 19; 30 steps: τ 35 → 21, τ 37 → 22.
  test('rescales to 25 steps', () => {
    assert.deepEqual(progressiveRun(4, 35, 25), expandRanges([[4, 4], [8, 3], [17, 2]], 25));
    assert.deepEqual(progressiveRun(3, 35, 25), expandRanges([[5, 3], [17, 2]], 25));
    assert.deepEqual(progressiveRun(4, 37, 25), expandRanges([[4, 4], [9, 3], [18, 2]], 25));
    assert.deepEqual(progressiveRun(3, 37, 25), expandRanges([[6, 3], [18, 2]], 25));
  });

  test('rescales to 30 steps', () => {
    assert.deepEqual(progressiveRun(4, 35, 30), expandRanges([[5, 4], [10, 3], [20, 2]], 30));
    assert.deepEqual(progressiveRun(3, 35, 30), expandRanges([[6, 3], [20, 2]], 30));
    assert.deepEqual(progressiveRun(4, 37, 30), expandRanges([[5, 4], [10, 3], [21, 2]], 30));
    assert.deepEqual(progressiveRun(3, 37, 30), expandRanges([[7, 3], [21, 2]], 30));
  });

  test('a window that starts later counts its steps from its own start', () => {
    const schedule: DilationSchedule = {
      kind: 'progressive',
      convs: [{ conv: 'mid_block.resnets.0.conv1', dilation: 4 }],
      steps: { start: 0.5, end: 1 },
    };
    const run = Array.from({ length: 10 }, (_, step) => scheduledDilation(schedule, 4, step, 10));
    // window steps 5–9, τ = 5: 4·5/5 = 4, 4·4/5 → 4, 4·3/5 → 3, 4·2/5 → 2, 4·1/5 → 2.
    assert.deepEqual(run, [1, 1, 1, 1, 1, 4, 4, 3, 2, 2]);
  });

  test('keeps a fractional base as the reference does: ceil, floored at 2', () => {
    assert.equal(progressiveDilation(2.5, 0, 30), 3);
    assert.equal(progressiveDilation(2.5, 29, 30), 2);
  });
});

describe('constant schedules', () => {
  test('apply the listed dilation inside the window only, fractional values unchanged', () => {
    const schedule: DilationSchedule = {
      kind: 'constant',
      convs: [{ conv: 'mid_block.resnets.0.conv1', dilation: 2.5 }],
      steps: referenceStepRange(35),
    };
    const run = Array.from({ length: 50 }, (_, step) => scheduledDilation(schedule, 2.5, step, 50));
    assert.deepEqual(run, expandRanges([[34, 2.5]], 50));
  });

  test('off gives 1 everywhere', () => {
    assert.equal(scheduledDilation({ kind: 'off' }, 4, 0, 50), 1);
  });
});

describe('checkSchedule', () => {
  const off = { kind: 'off' } as const;
  test('names the field with a bad range or dilation', () => {
    assert.throws(
      () =>
        checkSchedule({
          redilation: { kind: 'constant', convs: [], steps: { start: 0.8, end: 0.2 } },
          noiseDampedGuidance: off,
          dispersion: off,
        }),
      /redilation: step range/,
    );
    assert.throws(
      () =>
        checkSchedule({
          redilation: off,
          noiseDampedGuidance: { kind: 'constant', convs: [{ conv: 'mid_block.resnets.0.conv1', dilation: 0.5 }], steps: { start: 0, end: 1 } },
          dispersion: off,
        }),
      /noiseDampedGuidance: dilation of mid_block.resnets.0.conv1 is 0.5/,
    );
  });
});
