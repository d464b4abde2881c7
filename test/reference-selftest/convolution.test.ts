import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { conv2d, pad2d } from '../reference/convolution.js';
import { ndarray, randn, zeros } from '../reference/ndarray.js';

/** A [1, 1, k, k] kernel with a single 1 at (row, col). */
function delta(k: number, row: number, col: number) {
  const w = zeros([1, 1, k, k]);
  w.data[row * k + col] = 1;
  return w;
}

describe('reference conv2d (exact: small integers, so tolerance 0)', () => {
  test('all-ones 3×3 input and kernel with padding 1 count the in-bounds neighbours', () => {
    const out = conv2d(ndarray([1, 1, 3, 3], new Array(9).fill(1)), ndarray([1, 1, 3, 3], new Array(9).fill(1)), undefined, { padding: 1 });
    assert.deepEqual([...out.data], [4, 6, 4, 6, 9, 6, 4, 6, 4]);
  });

  test('a centred delta kernel with padding 1 is the identity; the bias is added', () => {
    const x = randn([2, 1, 5, 4], 1);
    assert.deepEqual(conv2d(x, delta(3, 1, 1), undefined, { padding: 1 }).data, x.data);
    const biased = conv2d(x, delta(3, 1, 1), ndarray([1], [0.5]), { padding: 1 });
    assert.deepEqual([...biased.data], [...x.data].map((v) => Math.fround(v + 0.5)));
  });

  test('a top-left delta with dilation 2 and padding 2 shifts by 2 rows and columns (zeros enter)', () => {
    const x = ndarray([1, 1, 4, 4], Array.from({ length: 16 }, (_, i) => i + 1));
    const out = conv2d(x, delta(3, 0, 0), undefined, { padding: 2, dilation: 2 });
    assert.deepEqual(out.shape, [1, 1, 4, 4]);
    // out[y][x] = x[y − 2][x − 2]
    assert.deepEqual([...out.data], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 5, 6]);
  });

  test('stride 2 samples every second pixel; output size floor((5 + 2 − 3)/2) + 1 = 3', () => {
    const x = ndarray([1, 1, 5, 5], Array.from({ length: 25 }, (_, i) => i));
    const out = conv2d(x, delta(3, 1, 1), undefined, { stride: 2, padding: 1 });
    assert.deepEqual(out.shape, [1, 1, 3, 3]);
    assert.deepEqual([...out.data], [0, 2, 4, 10, 12, 14, 20, 22, 24]);
  });

  test('per-axis stride/padding/dilation and the documented output size', () => {
    const out = conv2d(zeros([1, 1, 7, 9]), zeros([1, 1, 3, 3]), undefined, { stride: [1, 2], padding: [0, 1], dilation: [3, 1] });
    // H: (7 + 0 − 3·2 − 1)/1 + 1 = 1; W: floor((9 + 2 − 2 − 1)/2) + 1 = 5
    assert.deepEqual(out.shape, [1, 1, 1, 5]);
  });

  test('a 1×1 conv mixes channels as weight[out][in]', () => {
    const x = ndarray([1, 2, 1, 2], [1, 2, 10, 20]); // channel 0 = [1, 2], channel 1 = [10, 20]
    const w = ndarray([2, 2, 1, 1], [1, 2, 3, 4]);
    assert.deepEqual([...conv2d(x, w, ndarray([2], [0, 100])).data], [21, 42, 143, 186]);
  });

  test('pad2d (left, right, top, bottom) = (0, 1, 0, 1) adds a zero column right and a zero row below', () => {
    const out = pad2d(ndarray([1, 1, 2, 2], [1, 2, 3, 4]), { left: 0, right: 1, top: 0, bottom: 1 });
    assert.deepEqual(out.shape, [1, 1, 3, 3]);
    assert.deepEqual([...out.data], [1, 2, 0, 3, 4, 0, 0, 0, 0]);
  });

  test('rejects mismatched channels', () => {
    assert.throws(() => conv2d(zeros([1, 2, 3, 3]), zeros([1, 3, 1, 1]), undefined), /weight expects 3 input channels, input has 2/);
  });
});
