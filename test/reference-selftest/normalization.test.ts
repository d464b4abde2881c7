import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { groupNorm, layerNorm } from '../reference/normalization.js';
import { ndarray, randn } from '../reference/ndarray.js';

const ones = (n: number) => ndarray([n], new Array(n).fill(1));
const zerosVector = (n: number) => ndarray([n], new Array(n).fill(0));

function groupStats(data: Float32Array, start: number, count: number): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += data[start + i]!;
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < count; i++) squares += (data[start + i]! - mean) ** 2;
  return { mean, variance: squares / count };
}

describe('reference groupNorm', () => {
  test('[1, 2, 3, 4] as one group, eps 0: (x − 2.5)/√1.25 (biased variance, as PyTorch)', () => {
    const out = groupNorm(ndarray([1, 1, 2, 2], [1, 2, 3, 4]), 1, ones(1), zerosVector(1), 0);
    const expected = [-1.5, -0.5, 0.5, 1.5].map((v) => v / Math.sqrt(1.25));
    out.data.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `${v} vs ${expected[i]}`));
  });

  test('each group has mean 0 and variance 1 (within 1e-5, eps 1e-6)', () => {
    const x = randn([2, 6, 3, 3], 7, 4);
    const out = groupNorm(x, 3, ones(6), zerosVector(6), 1e-6);
    for (let start = 0; start < out.size; start += 2 * 9) {
      const { mean, variance } = groupStats(out.data, start, 18);
      assert.ok(Math.abs(mean) < 1e-5 && Math.abs(variance - 1) < 1e-5, `group at ${start}: mean ${mean}, variance ${variance}`);
    }
  });

  test('the affine is per channel: y = γ_c · normalized + β_c', () => {
    const x = randn([1, 4, 2, 2], 3);
    const plain = groupNorm(x, 2, ones(4), zerosVector(4), 1e-5);
    const gamma = ndarray([4], [2, -1, 0.5, 3]);
    const beta = ndarray([4], [1, 0, -2, 0.25]);
    const affine = groupNorm(x, 2, gamma, beta, 1e-5);
    affine.data.forEach((v, i) => {
      const c = Math.floor(i / 4);
      assert.ok(Math.abs(v - (gamma.data[c]! * plain.data[i]! + beta.data[c]!)) < 1e-6);
    });
  });

  test('groups do not see each other: changing channel 3 leaves channels 0–1 of a 2-group norm unchanged', () => {
    const x = randn([1, 4, 2, 2], 5);
    const changed = ndarray(x.shape, [...x.data]);
    for (let i = 12; i < 16; i++) changed.data[i] = changed.data[i]! * 10 + 3;
    const a = groupNorm(x, 2, ones(4), zerosVector(4), 1e-5);
    const b = groupNorm(changed, 2, ones(4), zerosVector(4), 1e-5);
    assert.deepEqual(a.data.subarray(0, 8), b.data.subarray(0, 8));
    assert.notDeepEqual(a.data.subarray(8), b.data.subarray(8));
  });

  test('a constant group normalizes to 0, leaving β', () => {
    const out = groupNorm(ndarray([1, 2, 1, 2], [5, 5, 5, 5]), 1, ones(2), ndarray([2], [0.5, -0.5]), 1e-5);
    assert.deepEqual([...out.data], [0.5, 0.5, -0.5, -0.5]);
  });
});

describe('reference layerNorm', () => {
  test('normalizes each row of the last axis on its own', () => {
    const out = layerNorm(ndarray([2, 4], [1, 2, 3, 4, 10, 10, 10, 10]), ones(4), zerosVector(4), 1e-12);
    const expected = [-1.5, -0.5, 0.5, 1.5].map((v) => v / Math.sqrt(1.25));
    for (let j = 0; j < 4; j++) assert.ok(Math.abs(out.data[j]! - expected[j]!) < 1e-6);
    assert.deepEqual([...out.data.subarray(4)], [0, 0, 0, 0]);
  });

  test('rows have mean 0, variance 1 and the affine applies per feature', () => {
    const x = randn([3, 5, 16], 9, 3);
    const gamma = ndarray([16], Array.from({ length: 16 }, (_, i) => 1 + i / 8));
    const plain = layerNorm(x, ones(16), zerosVector(16), 1e-5);
    const affine = layerNorm(x, gamma, ndarray([16], new Array(16).fill(2)), 1e-5);
    for (let start = 0; start < plain.size; start += 16) {
      const { mean, variance } = groupStats(plain.data, start, 16);
      assert.ok(Math.abs(mean) < 1e-6 && Math.abs(variance - 1) < 1e-4, `row at ${start}: ${mean}, ${variance}`);
    }
    affine.data.forEach((v, i) => assert.ok(Math.abs(v - (gamma.data[i % 16]! * plain.data[i]! + 2)) < 1e-5));
  });
});
