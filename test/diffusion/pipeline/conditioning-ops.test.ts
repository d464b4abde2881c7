import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { activeEntries, percentToSigma } from '../../../app/diffusion/pipeline/conditioning-schedule.js';
import { combineConditioning, concatConditioning, conditioningInRange, zeroOutConditioning } from '../../../app/diffusion/pipeline/conditioning-ops.js';
import type { Conditioning } from '../../../app/diffusion/pipeline/values.js';
import { STABLE_DIFFUSION_SCHEDULER_CONFIG } from '../../../app/diffusion/schedulers/index.js';
import { trainingNoiseSchedule } from '../../../app/diffusion/schedulers/training-schedule.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

const entry = (prompt: string, tokens: number, width: number, at: (index: number) => number, pooled: number | null = null): Conditioning => ({
  prompt,
  embeddings: Float32Array.from({ length: tokens * width }, (_, i) => at(i)),
  dims: [1, tokens, width],
  pooled: pooled === null ? null : new Float32Array(4).fill(pooled),
  truncation: null,
});

describe('ComfyUI\'s conditioning nodes on entry lists', () => {
  test('Combine joins the lists in order', () => {
    const [a, b, c] = [entry('a', 1, 2, () => 1), entry('b', 1, 2, () => 2), entry('c', 1, 2, () => 3)];
    assert.deepEqual(combineConditioning([a, b], [c]), [a, b, c]);
  });

  test('Concat appends the first `from` entry\'s tokens to every `to` entry, which keeps its prompt and pooled embedding', () => {
    const to = [entry('to', 2, 3, (i) => i, 5), entry('to2', 1, 3, () => -1, 6)];
    const from = [entry('from', 1, 3, (i) => 100 + i, 7), entry('ignored', 1, 3, () => 9)];
    const [first, second] = concatConditioning(to, from);
    assert.deepEqual(first!.dims, [1, 3, 3]);
    assert.deepEqual([...first!.embeddings], [0, 1, 2, 3, 4, 5, 100, 101, 102]);
    assert.deepEqual([...second!.embeddings], [-1, -1, -1, 100, 101, 102]);
    assert.equal(first!.prompt, 'to');
    assert.deepEqual([...first!.pooled!], [5, 5, 5, 5]);
  });

  test('Concat refuses contexts of another width, naming conditioning_from', () => {
    assert.throws(() => concatConditioning([entry('to', 1, 3, () => 0)], [entry('from', 1, 4, () => 0)]), (error: unknown) => error instanceof UserFacingError && error.field === 'conditioning_from');
  });

  test('ZeroOut zeroes the embeddings and the pooled embedding, keeping their shapes', () => {
    const [zeroed] = zeroOutConditioning([entry('a', 2, 3, (i) => i + 1, 4)]);
    assert.ok(zeroed!.embeddings.length === 6 && zeroed!.embeddings.every((value) => value === 0));
    assert.ok(zeroed!.pooled!.length === 4 && zeroed!.pooled!.every((value) => value === 0));
  });
});

describe('ConditioningSetTimestepRange (ComfyUI percent_to_sigma and get_area_and_mult)', () => {
  const schedule = trainingNoiseSchedule(STABLE_DIFFUSION_SCHEDULER_CONFIG);
  /** σ_t = sqrt((1 − ᾱ_t)/ᾱ_t) from SD's scaled-linear betas (0.00085 … 0.012 over 1000 steps), computed here. */
  const sigmaAt = (t: number) => {
    let product = 1;
    for (let i = 0; i <= t; i++) product *= 1 - (Math.sqrt(0.00085) + (i / 999) * (Math.sqrt(0.012) - Math.sqrt(0.00085))) ** 2;
    return Math.sqrt((1 - product) / product);
  };

  test('0 is ∞ and 1 is 0; 0.5 is σ at timestep 499.5, interpolated in log σ (the geometric mean of σ_499 and σ_500)', () => {
    assert.equal(percentToSigma(schedule, 0), Infinity);
    assert.equal(percentToSigma(schedule, 1), 0);
    const expected = Math.sqrt(sigmaAt(499) * sigmaAt(500));
    assert.ok(Math.abs(percentToSigma(schedule, 0.5) / expected - 1) < 1e-9, `${percentToSigma(schedule, 0.5)} vs ${expected}`);
    // 0.001 → timestep 0.999 · 999 = 998.001: weight 0.001 on σ_999 in log space.
    assert.ok(Math.abs(percentToSigma(schedule, 0.001) / (sigmaAt(998) ** 0.999 * sigmaAt(999) ** 0.001) - 1) < 1e-9);
  });

  test('an entry applies while σ(end) ≤ σ ≤ σ(start); entries without a range always do', () => {
    const plain = entry('plain', 1, 1, () => 0);
    const [early] = conditioningInRange([entry('early', 1, 1, () => 0)], 0, 0.5);
    const [late] = conditioningInRange([entry('late', 1, 1, () => 0)], 0.5, 1);
    const middle = percentToSigma(schedule, 0.5);
    const names = (sigma: number) => activeEntries([plain, early!, late!], sigma, schedule).map((item) => item.prompt);
    assert.deepEqual(names(14.6), ['plain', 'early']);
    assert.deepEqual(names(middle), ['plain', 'early', 'late'], 'both ends are inclusive');
    assert.deepEqual(names(0.03), ['plain', 'late']);
  });
});
