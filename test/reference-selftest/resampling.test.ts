import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bilinearResize, upsampleNearest, upsampleNearest2x } from '../reference/resampling.js';
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
