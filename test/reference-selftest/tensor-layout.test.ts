import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { linear } from '../reference/linear.js';
import { ndarray, randn } from '../reference/ndarray.js';
import { add, concat, nchwToTokens, tokensToNchw } from '../reference/tensor-layout.js';

describe('reference layout helpers and linear', () => {
  test('concat on the channel axis puts the second array after the first, per batch item', () => {
    const a = ndarray([2, 1, 2], [1, 2, 3, 4]);
    const b = ndarray([2, 2, 2], [5, 6, 7, 8, 9, 10, 11, 12]);
    const out = concat([a, b], 1);
    assert.deepEqual(out.shape, [2, 3, 2]);
    assert.deepEqual([...out.data], [1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12]);
  });

  test('NCHW → tokens is permute(0, 2, 3, 1): token s holds every channel of pixel s; the inverse restores it', () => {
    const x = ndarray([1, 2, 1, 3], [1, 2, 3, 10, 20, 30]);
    const tokens = nchwToTokens(x);
    assert.deepEqual(tokens.shape, [1, 3, 2]);
    assert.deepEqual([...tokens.data], [1, 10, 2, 20, 3, 30]);
    const random = randn([2, 3, 4, 5], 1);
    assert.deepEqual(tokensToNchw(nchwToTokens(random), 4, 5).data, random.data);
  });

  test('linear uses torch [out, in] weights: y = x·Wᵀ + b', () => {
    const out = linear(ndarray([1, 2], [1, 2]), ndarray([3, 2], [1, 0, 0, 1, 1, 1]), ndarray([3], [0, 0, 1]));
    assert.deepEqual([...out.data], [1, 2, 4]);
  });

  test('add checks shapes', () => {
    assert.deepEqual([...add(ndarray([2], [1, 2]), ndarray([2], [3, 4])).data], [4, 6]);
    assert.throws(() => add(ndarray([2], [1, 2]), ndarray([1, 2], [3, 4])), /shapes \[2\] and \[1,2\] differ/);
  });
});
