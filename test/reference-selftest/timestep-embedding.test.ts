import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { timestepEmbedding } from '../reference/timestep-embedding.js';

const close = (actual: number, expected: number, tolerance: number, label = '') =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label} ${actual} vs ${expected}`);

describe('reference timestepEmbedding (diffusers get_timestep_embedding)', () => {
  test('t = 0 with flip_sin_to_cos gives [cos 0 …, sin 0 …] = [1 … 1, 0 … 0]; without flip [0 …, 1 …]', () => {
    assert.deepEqual([...timestepEmbedding([0], 8, { flipSinToCos: true, shift: 0 }).data], [1, 1, 1, 1, 0, 0, 0, 0]);
    assert.deepEqual([...timestepEmbedding([0], 8, { flipSinToCos: false, shift: 0 }).data], [0, 0, 0, 0, 1, 1, 1, 1]);
  });

  test('dim 4, shift 0: frequencies exp(−ln(10⁴)·i/2) = [1, 0.01], so t = 100 → [cos 100, cos 1, sin 100, sin 1]', () => {
    const out = timestepEmbedding([100], 4, { flipSinToCos: true, shift: 0 });
    // float32 angles: 100·1 exact, 100·fround(0.01) ≈ 1 + 2e-9 — tolerance 1e-6.
    [Math.cos(100), Math.cos(1), Math.sin(100), Math.sin(1)].forEach((value, i) => close(out.data[i]!, value, 1e-6, `element ${i}`));
  });

  test('shift 1 divides by half − 1: dim 6 → frequencies [1, 0.01, 0.0001]', () => {
    const out = timestepEmbedding([50], 6, { flipSinToCos: false, shift: 1 });
    [Math.sin(50), Math.sin(0.5), Math.sin(0.005), Math.cos(50), Math.cos(0.5), Math.cos(0.005)].forEach((value, i) => close(out.data[i]!, value, 1e-6, `element ${i}`));
  });

  test('one row per timestep; an odd dim is zero-padded at the end', () => {
    const out = timestepEmbedding([0, 999, 500.5], 5, { flipSinToCos: true, shift: 0 });
    assert.deepEqual(out.shape, [3, 5]);
    for (let row = 0; row < 3; row++) assert.equal(out.data[row * 5 + 4], 0);
    close(out.data[5]!, Math.cos(999), 1e-4, 'cos(999) within one float32 ulp of the angle');
  });
});
