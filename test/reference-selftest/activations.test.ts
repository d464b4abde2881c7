import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { erf, geglu, geluErf, quickGelu, silu, softmax } from '../reference/activations.js';
import { ndarray, randn } from '../reference/ndarray.js';

const close = (actual: number, expected: number, tolerance: number, label = '') =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label} ${actual} vs ${expected} (tolerance ${tolerance})`);

describe('reference erf', () => {
  test('matches published values (Abramowitz & Stegun table 7.1) to 1e-12 on both sides of the series/fraction switch', () => {
    const table: Array<[number, number]> = [
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [2.5, 0.999593047982555],
      [3, 0.9999779095030014],
      [4, 0.9999999845827421],
    ];
    for (const [x, value] of table) {
      close(erf(x), value, 1e-12, `erf(${x})`);
      close(erf(-x), -value, 1e-12, `erf(${-x})`);
    }
    assert.equal(erf(0), 0);
    close(erf(2.4999999), erf(2.5000001), 1e-7, 'continuous at 2.5');
  });
});

describe('reference activations (float32 outputs, tolerance 1e-7)', () => {
  test('silu(x) = x·σ(x): 0, σ(1), −σ(−1)', () => {
    const out = silu(ndarray([3], [0, 1, -1]));
    close(out.data[0]!, 0, 0);
    close(out.data[1]!, 0.7310585786300049, 1e-7);
    close(out.data[2]!, -0.2689414213699951, 1e-7);
  });

  test('exact gelu(x) = x·Φ(x): Φ(1) = 0.8413447460685429, gelu(−1) = −0.15865525393145707', () => {
    const out = geluErf(ndarray([3], [0, 1, -1]));
    close(out.data[0]!, 0, 0);
    close(out.data[1]!, 0.8413447460685429, 1e-7);
    close(out.data[2]!, -0.15865525393145707, 1e-7);
  });

  test('quick gelu x·σ(1.702x): σ(1.702) = 0.845796… by hand, and qg(−x) = qg(x) − x', () => {
    close(quickGelu(ndarray([1], [1])).data[0]!, 1 / (1 + 0.182318522128221) /* e^−1.702 */, 1e-7);
    const x = randn([50], 4, 3);
    const positive = quickGelu(x);
    const negative = quickGelu(ndarray([50], [...x.data].map((v) => -v)));
    negative.data.forEach((v, i) => close(v, positive.data[i]! - x.data[i]!, 1e-6, `element ${i}`));
  });

  test('geglu splits the last axis into (hidden, gate) halves: [2, 3 | 1, −1] → [2·gelu(1), 3·gelu(−1)]', () => {
    const out = geglu(ndarray([1, 4], [2, 3, 1, -1]));
    assert.deepEqual(out.shape, [1, 2]);
    close(out.data[0]!, 2 * 0.8413447460685429, 2e-7);
    close(out.data[1]!, 3 * -0.15865525393145707, 2e-7);
  });
});

describe('reference softmax', () => {
  test('softmax([0, ln 3]) = [1/4, 3/4]; rows sum to 1; −∞ gets probability 0', () => {
    const out = softmax(ndarray([2, 2], [0, Math.log(3), 5, -Infinity]));
    close(out.data[0]!, 0.25, 1e-7);
    close(out.data[1]!, 0.75, 1e-7);
    assert.deepEqual([...out.data.subarray(2)], [1, 0]);
    const random = softmax(randn([4, 7], 2, 10));
    for (let row = 0; row < 4; row++) close(random.data.subarray(row * 7, row * 7 + 7).reduce((a, b) => a + b, 0), 1, 1e-6, `row ${row}`);
  });

  test('is invariant to adding a constant to a row (no overflow at 1000)', () => {
    const a = softmax(ndarray([3], [1, 2, 3]));
    const b = softmax(ndarray([3], [1001, 1002, 1003]));
    a.data.forEach((v, i) => close(b.data[i]!, v, 1e-7));
  });
});
