import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { areaResize, bicubicResize, bilinearResize, bislerpResize, nearestExactResize, upsampleNearest, upsampleNearest2x } from '../reference/resampling.js';
import { ndarray, randn } from '../reference/ndarray.js';

/**
 * Expected values computed by hand from PyTorch's documented half-pixel rule
 * (F.interpolate(mode='bilinear', align_corners=False)): source = (dst + 0.5)·in/out − 0.5,
 * clamped at 0. All are exact in float32, so the tolerance is 1e-7.
 */
const assertValues = (actual: Float32Array, expected: number[]) =>
  expected.forEach((value, i) => assert.ok(Math.abs(actual[i]! - value) < 1e-7, `element ${i}: ${actual[i]} vs ${value}`));

describe('reference bilinearResize (align_corners=False, no antialias)', () => {
  test('2×2 → 3×3: sources −1/6 (clamped to 0), 1/2, 7/6 (clamped to the last pixel)', () => {
    const out = bilinearResize(ndarray([1, 1, 2, 2], [1, 2, 3, 4]), 3, 3);
    assertValues(out.data, [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]);
  });

  test('[1, 2] → 4 wide: [1, 1.25, 1.75, 2] (the well-known PyTorch result)', () => {
    assertValues(bilinearResize(ndarray([1, 1, 1, 2], [1, 2]), 1, 4).data, [1, 1.25, 1.75, 2]);
  });

  test('downscale [0, 1, 2, 3] → 2: sources 0.5 and 2.5 (no antialias)', () => {
    assertValues(bilinearResize(ndarray([1, 1, 1, 4], [0, 1, 2, 3]), 1, 2).data, [0.5, 2.5]);
  });

  test('4 → 3: sources 1/6, 3/2, 17/6 interpolate between neighbours (scale 4/3 is inexact in float32: tolerance 1e-6)', () => {
    const out = bilinearResize(ndarray([1, 1, 1, 4], [0, 6, 12, 18]), 1, 3);
    [1, 9, 17].forEach((value, i) => assert.ok(Math.abs(out.data[i]! - value) < 1e-6, `element ${i}: ${out.data[i]}`));
  });

  test('same size is the identity, per channel and batch', () => {
    const x = randn([2, 3, 4, 5], 1);
    assert.deepEqual(bilinearResize(x, 4, 5).data, x.data);
  });
});

describe('reference nearest upsampling (mode="nearest")', () => {
  test('2× repeats each pixel into a 2×2 block', () => {
    assert.deepEqual([...upsampleNearest2x(ndarray([1, 1, 2, 2], [1, 2, 3, 4])).data], [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  });

  test('3 → 5 takes floor(dst · 3/5): sources 0, 0, 1, 1, 2', () => {
    assert.deepEqual([...upsampleNearest(ndarray([1, 1, 1, 3], [7, 8, 9]), 1, 5).data], [7, 7, 8, 8, 9]);
  });
});

describe('the reference resizes ComfyUI\'s upscale methods (known values)', () => {
  test('bicubic [0, 1] → 4 wide: PyTorch\'s well-known overshoot −0.10546875, 0.2265625, 0.7734375, 1.10546875 (Keys, a = −0.75)', () => {
    assertValues(bicubicResize(ndarray([1, 1, 1, 2], [0, 1]), 1, 4).data, [-0.10546875, 0.2265625, 0.7734375, 1.10546875]);
  });

  test('area [1 … 5] → 2: the means of 1–3 and 3–5 (adaptive_avg_pool\'s overlapping windows)', () => {
    assertValues(areaResize(ndarray([1, 1, 1, 5], [1, 2, 3, 4, 5]), 1, 2).data, [2, 4]);
  });

  test('nearest-exact 3 → 2 picks pixels 0 and 2 (sources 0.75 and 2.25); 2 → 4 repeats each pixel twice', () => {
    assertValues(nearestExactResize(ndarray([1, 1, 1, 3], [7, 8, 9]), 1, 2).data, [7, 9]);
    assertValues(nearestExactResize(ndarray([1, 1, 1, 2], [7, 8]), 1, 4).data, [7, 7, 8, 8]);
  });

  test('bislerp of unit vectors (1, 0) and (0, 1), 2 → 4 wide: angles 0, π/8, 3π/8, π/2 at bilinear fractions 0, ¼, ¾, 1', () => {
    const out = bislerpResize(ndarray([1, 2, 1, 2], [1, 0, 0, 1]), 1, 4);
    const angles = [0, Math.PI / 8, (3 * Math.PI) / 8, Math.PI / 2];
    angles.forEach((angle, i) => {
      assert.ok(Math.abs(out.data[i]! - Math.cos(angle)) < 1e-6, `channel 0, pixel ${i}: ${out.data[i]}`);
      assert.ok(Math.abs(out.data[4 + i]! - Math.sin(angle)) < 1e-6, `channel 1, pixel ${i}: ${out.data[4 + i]}`);
    });
  });
});
