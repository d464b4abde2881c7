import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GroupStatistics } from '../../../app/diffusion/vae-tiling/group-norm-statistics.js';
import { randn } from '../../reference/ndarray.js';

/** Two-pass mean, sum of squared deviations and biased variance in float64, as torch.nn.GroupNorm defines them. */
function twoPass(values: ArrayLike<number>): { mean: number; m2: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return { mean, m2: squares, variance: squares / values.length };
}

describe('GroupNorm statistics merged from tiles', () => {
  test('uneven pieces merge to the two-pass statistics of the whole, even far from zero mean', () => {
    // Offset 1000, spread 0.01: E[x²] − E[x]² would lose every digit of the variance in float32.
    const groups = [randn([1000], 1, 0.01).data.map((v) => v + 1000), randn([1000], 2, 3).data];
    const cuts = [0, 1, 7, 300, 301, 1000];
    const statistics = new GroupStatistics(1, 2);
    for (let piece = 0; piece + 1 < cuts.length; piece++) {
      const parts = groups.map((values) => twoPass(values.subarray(cuts[piece]!, cuts[piece + 1]!)));
      statistics.add(cuts[piece + 1]! - cuts[piece]!, parts.map((part) => part.mean), parts.map((part) => part.m2));
    }
    const eps = 1e-6;
    const { mean, invStd } = statistics.normalization(eps);
    groups.forEach((values, g) => {
      const whole = twoPass(values);
      // The results are float32: equal to float32 rounding of the float64 truth.
      assert.ok(Math.abs(mean[g]! - whole.mean) <= 1e-7 * Math.abs(whole.mean) + 1e-9, `group ${g} mean ${mean[g]} vs ${whole.mean}`);
      const expected = 1 / Math.sqrt(whole.variance + eps);
      assert.ok(Math.abs(invStd[g]! - expected) <= 1e-6 * expected, `group ${g} inv_std ${invStd[g]} vs ${expected}`);
    });
  });

  test('statistics are per sample and group; empty tiles add nothing; a wrong count of values is refused', () => {
    const statistics = new GroupStatistics(2, 1);
    statistics.add(4, [1, 10], [0, 16]);
    statistics.add(0, [99, 99], [99, 99]);
    statistics.add(4, [3, 10], [0, 16]);
    const { mean, invStd } = statistics.normalization(0);
    assert.deepEqual([...mean], [2, 10]);
    // Sample 0: values {1,1,1,1,3,3,3,3} → variance 1; sample 1: M2 16 over 4 values (variance 4) in both halves.
    assert.deepEqual([...invStd], [1, 0.5]);
    assert.throws(() => statistics.add(1, [1], [1]), /2 samples × 1 groups = 2 were expected/);
    assert.throws(() => new GroupStatistics(1, 1).normalization(1e-6), /before any tile reported/);
  });
});
