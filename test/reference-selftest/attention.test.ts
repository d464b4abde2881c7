import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { attention } from '../reference/attention.js';
import { NdArray, ndarray, randn } from '../reference/ndarray.js';
import { concat } from '../reference/tensor-layout.js';

const close = (actual: number, expected: number, tolerance: number, label = '') =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label} ${actual} vs ${expected}`);

/** Channels [from, to) of a [B, S, C] array. */
function channelSlice(x: NdArray, from: number, to: number): NdArray {
  const [batch, tokens, channels] = x.shape as [number, number, number];
  const out = new Float32Array(batch * tokens * (to - from));
  for (let r = 0; r < batch * tokens; r++) out.set(x.data.subarray(r * channels + from, r * channels + to), r * (to - from));
  return new NdArray([batch, tokens, to - from], out);
}

describe('reference attention', () => {
  test('two tokens by hand: q = k = I, scale 1/√2 → weights σ(1/√2) and 1 − σ(1/√2)', () => {
    const qk = ndarray([1, 2, 2], [1, 0, 0, 1]);
    const v = ndarray([1, 2, 2], [1, 2, 3, 4]);
    const out = attention(qk, qk, v, 1);
    const w = 1 / (1 + Math.exp(-1 / Math.SQRT2)); // softmax([1/√2, 0])[0]
    close(out.data[0]!, w * 1 + (1 - w) * 3, 1e-6);
    close(out.data[1]!, w * 2 + (1 - w) * 4, 1e-6);
    close(out.data[2]!, (1 - w) * 1 + w * 3, 1e-6);
    close(out.data[3]!, (1 - w) * 2 + w * 4, 1e-6);
  });

  test('causal: the first token attends only to itself, so its output is its own value', () => {
    const [q, k, v] = [randn([2, 5, 8], 1), randn([2, 5, 8], 2), randn([2, 5, 8], 3)];
    const out = attention(q, k, v, 2, { causal: true });
    for (let b = 0; b < 2; b++) {
      for (let c = 0; c < 8; c++) close(out.data[b * 40 + c]!, v.data[b * 40 + c]!, 1e-7, `batch ${b} channel ${c}`);
    }
  });

  test('identical keys give uniform weights: every output is the mean of the values', () => {
    const k = ndarray([1, 3, 2], [0.3, -1, 0.3, -1, 0.3, -1]);
    const v = ndarray([1, 3, 2], [1, 10, 2, 20, 6, 60]);
    const out = attention(randn([1, 4, 2], 5), k, v, 1);
    for (let i = 0; i < 4; i++) {
      close(out.data[i * 2]!, 3, 1e-6);
      close(out.data[i * 2 + 1]!, 30, 1e-5);
    }
  });

  test('heads are independent attentions over contiguous channel groups', () => {
    const [q, k, v] = [randn([1, 4, 6], 11), randn([1, 3, 6], 12), randn([1, 3, 6], 13)];
    const twoHeads = attention(q, k, v, 2);
    const separately = concat(
      [attention(channelSlice(q, 0, 3), channelSlice(k, 0, 3), channelSlice(v, 0, 3), 1), attention(channelSlice(q, 3, 6), channelSlice(k, 3, 6), channelSlice(v, 3, 6), 1)],
      2,
    );
    twoHeads.data.forEach((value, i) => close(value, separately.data[i]!, 1e-7, `element ${i}`));
  });

  test('cross-attention with one key returns that value for every query', () => {
    const out = attention(randn([1, 5, 4], 1), randn([1, 1, 4], 2), ndarray([1, 1, 4], [1, -2, 3, -4]), 2);
    for (let i = 0; i < 5; i++) assert.deepEqual([...out.data.subarray(i * 4, i * 4 + 4)], [1, -2, 3, -4]);
  });
});
