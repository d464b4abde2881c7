import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAllClose, difference } from '../reference/compare.js';
import { ndarray } from '../reference/ndarray.js';
import { param } from '../reference/params.js';

describe('reference comparison helpers', () => {
  test('difference follows numpy.allclose: |a − e| <= atol + rtol·|e|', () => {
    const d = difference([1.05, 10.5], [1, 10], { atol: 0.01, rtol: 0.05 });
    assert.equal(d.withinTolerance, true);
    assert.ok(Math.abs(d.maxAbs - 0.5) < 1e-12);
    assert.equal(difference([1.07], [1], { atol: 0.01, rtol: 0.05 }).withinTolerance, false);
    assert.equal(difference([NaN], [1], { atol: 1, rtol: 1 }).withinTolerance, false);
  });

  test('assertAllClose names the label and the worst element', () => {
    assert.throws(
      () => assertAllClose(ndarray([3], [1, 2, 4]), ndarray([3], [1, 2, 3]), { atol: 1e-5, rtol: 0 }, 'unet out'),
      /unet out: element 2 is 4, the reference says 3/,
    );
    assert.throws(() => assertAllClose(ndarray([1, 3], [1, 2, 3]), ndarray([3], [1, 2, 3]), { atol: 1, rtol: 0 }, 'x'), /shape \[1, 3\] differs/);
    assertAllClose(new Float32Array([1, 2, 3.000001]), ndarray([3], [1, 2, 3]), { atol: 1e-5, rtol: 0 }, 'close enough');
  });

  test('param on a Map reports a missing name', () => {
    assert.throws(() => param(new Map(), 'conv_in.weight', [8, 4, 3, 3]), /"conv_in\.weight" \[8, 4, 3, 3\] is missing/);
  });
});
