import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededWeights } from '../../../app/models/weights/seeded-weights.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

/**
 * A second, deliberately different implementation of the documented algorithm in
 * app/models/weights/counter-random.ts (BigInt arithmetic instead of Math.imul), used to pin the
 * generated values: if either drifts, the golden test fails.
 */
const MASK32 = 0xffffffffn;
function referenceFmix32(value: bigint): bigint {
  let x = value & MASK32;
  x ^= x >> 16n;
  x = (x * 0x85ebca6bn) & MASK32;
  x ^= x >> 13n;
  x = (x * 0xc2b2ae35n) & MASK32;
  x ^= x >> 16n;
  return x;
}
function referenceUniform(seed: number, name: string, shape: number[], index: number, bound: number): number {
  let hash = 2166136261n;
  for (const char of `${name}|${shape.join(',')}`) {
    hash = ((hash ^ BigInt(char.charCodeAt(0))) * 16777619n) & MASK32; // ASCII names: one UTF-8 byte per char
  }
  const key = referenceFmix32(hash ^ referenceFmix32(BigInt(seed)));
  const bits = referenceFmix32(key + BigInt(index + 1) * 0x9e3779b9n);
  const top24 = Number(bits >> 8n);
  return Math.fround(((top24 + 0.5) / 2 ** 24 * 2 - 1) * bound);
}

function stats(values: Float32Array): { mean: number; std: number; maxAbs: number } {
  let sum = 0;
  let sumSquares = 0;
  let maxAbs = 0;
  for (const value of values) {
    sum += value;
    sumSquares += value * value;
    maxAbs = Math.max(maxAbs, Math.abs(value));
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(sumSquares / values.length - mean * mean), maxAbs };
}

describe('SeededWeights', () => {
  test('the same (seed, name, shape) gives the same values, also from a new instance', () => {
    const name = 'down_blocks.0.resnets.0.conv1.weight';
    const a = new SeededWeights(7).tensor(name, [32, 16, 3, 3]);
    const b = new SeededWeights(7).tensor(name, [32, 16, 3, 3]);
    assert.deepEqual(a, b);
  });

  test('another name, seed or shape gives unrelated values', () => {
    const weights = new SeededWeights(7);
    const base = weights.tensor('mid_block.resnets.0.conv1.weight', [8, 8, 3, 3]);
    const otherName = weights.tensor('mid_block.resnets.1.conv1.weight', [8, 8, 3, 3]);
    const otherSeed = new SeededWeights(8).tensor('mid_block.resnets.0.conv1.weight', [8, 8, 3, 3]);
    const otherShape = weights.tensor('mid_block.resnets.0.conv1.weight', [8, 8, 9]).subarray(0, base.length);
    for (const other of [otherName, otherSeed, otherShape]) {
      const equal = base.filter((value, i) => value === other[i]).length;
      assert.ok(equal < 3, `expected unrelated values, ${equal} of ${base.length} equal`);
    }
  });

  test('golden values: matches an independent BigInt implementation of the documented algorithm', () => {
    const seed = 1234;
    const name = 'up_blocks.1.attentions.0.proj_in.weight';
    const shape = [64, 64, 1, 1];
    const values = new SeededWeights(seed).tensor(name, shape);
    const bound = Math.sqrt(3) / Math.sqrt(64); // rule 4: std 1/sqrt(fan_in), uniform bound std·√3
    for (const index of [0, 1, 2, 77, 4095]) {
      assert.equal(values[index], referenceUniform(seed, name, shape, index, bound), `element ${index}`);
    }
    // Seed 0xffffffff exercises the top of the seed range and a residual-output gain of 0.5.
    const residual = new SeededWeights(0xffffffff).tensor('text_model.encoder.layers.0.mlp.fc2.weight', [4, 6]);
    for (let index = 0; index < residual.length; index++) {
      assert.equal(residual[index], referenceUniform(0xffffffff, 'text_model.encoder.layers.0.mlp.fc2.weight', [4, 6], index, (0.5 * Math.sqrt(3)) / Math.sqrt(6)));
    }
  });

  test('a large conv weight has mean 0 and std 1/sqrt(fan_in) within 2%, bounded by std·√3', () => {
    const shape = [320, 320, 3, 3];
    const values = new SeededWeights(3).tensor('down_blocks.0.resnets.0.conv1.weight', shape);
    const intendedStd = 1 / Math.sqrt(320 * 9);
    const { mean, std, maxAbs } = stats(values);
    assert.ok(Math.abs(mean) < 0.01 * intendedStd, `mean ${mean}`);
    assert.ok(Math.abs(std / intendedStd - 1) < 0.02, `std ${std} vs ${intendedStd}`);
    assert.ok(maxAbs <= intendedStd * Math.sqrt(3) * (1 + 1e-6), `max |w| ${maxAbs}`);
  });

  test('the values are roughly uniform: each tenth of the range holds 10% ± 1% of 100k values', () => {
    const values = new SeededWeights(11).tensor('time_embedding.linear_1.weight', [1000, 100]);
    const bound = Math.sqrt(3) / Math.sqrt(100);
    const bins = new Array<number>(10).fill(0);
    for (const value of values) bins[Math.min(9, Math.floor(((value / bound + 1) / 2) * 10))]! += 1;
    for (const count of bins) assert.ok(Math.abs(count / values.length - 0.1) < 0.01, `bins ${bins.join(',')}`);
  });

  test('norm weights are 1 and norm biases 0', () => {
    const weights = new SeededWeights(5);
    assert.deepEqual([...weights.tensor('conv_norm_out.weight', [4])], [1, 1, 1, 1]);
    assert.deepEqual([...weights.tensor('text_model.final_layer_norm.bias', [3])], [0, 0, 0]);
  });

  test('rejects a bad seed and a bad shape with errors that say what is wrong', () => {
    assert.throws(() => new SeededWeights(-1), /seed -1 must be an integer/);
    assert.throws(() => new SeededWeights(1.5), /seed 1.5 must be an integer/);
    assert.throws(
      () => new SeededWeights(1).tensor('conv_in.weight', [4, -1]),
      (error: unknown) => UserFacingError.hasCode(error, 'weights.invalid_request') && /conv_in.weight.*\[4, -1\]/.test(error.message),
    );
  });
});
