import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededWeights } from '../../app/models/weights/seeded-weights.js';
import type { WeightSource } from '../../app/models/weights/weight-source.js';
import { linear } from '../reference/linear.js';
import { NdArray, randn } from '../reference/ndarray.js';
import { param } from '../reference/params.js';
import { attentionModule, basicTransformerBlock, transformer2DModel } from '../reference/transformer.js';
import { withOverrides, zeroing } from '../reference/weight-overrides.js';

const weights = new SeededWeights(33);
const maxAbsDiff = (a: NdArray, b: NdArray) => a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i]!)), 0);

describe('reference Transformer2DModel and its parts', () => {
  test('with proj_out zeroed the whole transformer is the identity (residual = input)', () => {
    const x = randn([1, 8, 3, 2], 1);
    const out = transformer2DModel(withOverrides(weights, zeroing(/proj_out/)), 't', { heads: 2, groups: 4, useLinearProjection: false, layers: 1 }, x, randn([1, 5, 6], 2));
    assert.deepEqual(out.data, x.data);
  });

  test('SD1 (1×1 conv proj_in/out) and SD2 (Linear) layouts agree when the weights hold the same numbers', () => {
    // A conv weight [C, C, 1, 1] and a Linear weight [C, C] are the same row-major numbers.
    const sameNumbers: WeightSource = {
      description: 'shape-agnostic seeded weights',
      tensor: (name, shape) => weights.tensor(name, shape.length === 4 && shape[2] === 1 && shape[3] === 1 ? shape.slice(0, 2) : shape),
    };
    const x = randn([2, 8, 3, 3], 3);
    const context = randn([2, 4, 6], 4);
    const sd1 = transformer2DModel(sameNumbers, 't', { heads: 2, groups: 4, useLinearProjection: false, layers: 2 }, x, context);
    const sd2 = transformer2DModel(sameNumbers, 't', { heads: 2, groups: 4, useLinearProjection: true, layers: 2 }, x, context);
    assert.ok(maxAbsDiff(sd1, sd2) < 1e-5, `SD1 vs SD2 layout differ by ${maxAbsDiff(sd1, sd2)}`);
    assert.ok(maxAbsDiff(sd1, x) > 1e-3, 'the transformer must change its input');
  });

  test('BasicTransformerBlock with every residual branch output zeroed is the identity', () => {
    const x = randn([1, 6, 8], 5);
    const zeroed = withOverrides(weights, zeroing(/(to_out\.0|ff\.net\.2)\./));
    assert.deepEqual(basicTransformerBlock(zeroed, 'b', { heads: 2 }, x, randn([1, 3, 4], 6)).data, x.data);
  });

  test('each branch reads its input through its LayerNorm: branch(3·x) = branch(x) when the other branches are zeroed', () => {
    const x = randn([1, 5, 8], 12);
    const context = randn([1, 3, 4], 13);
    const branches: Array<[string, RegExp]> = [
      ['attn1 (norm1)', /(attn2\.to_out\.0|ff\.net\.2)\./],
      ['attn2 (norm2)', /(attn1\.to_out\.0|ff\.net\.2)\./],
      ['ff (norm3)', /attn[12]\.to_out\.0\./],
    ];
    for (const [branch, others] of branches) {
      const source = withOverrides(weights, zeroing(others));
      const residual = (input: NdArray) => {
        const out = basicTransformerBlock(source, 'b', { heads: 2 }, input, context);
        return new NdArray(out.shape, out.data.map((v, i) => v - input.data[i]!));
      };
      const scaled = new NdArray(x.shape, x.data.map((v) => 3 * v));
      // LayerNorm removes the scale up to eps (1e-5 against a variance of ~1 and ~9): tolerance 1e-4.
      assert.ok(maxAbsDiff(residual(scaled), residual(x)) < 1e-4, `${branch}: ${maxAbsDiff(residual(scaled), residual(x))}`);
    }
  });

  test('cross-attention to a single context token gives to_out(to_v(context)) for every query', () => {
    const context = randn([1, 1, 6], 7);
    const out = attentionModule(weights, 'a', { heads: 2, qkvBias: false }, randn([1, 5, 8], 8), context);
    const value = linear(linear(context, param(weights, 'a.to_v.weight', [8, 6])), param(weights, 'a.to_out.0.weight', [8, 8]), param(weights, 'a.to_out.0.bias', [8]));
    for (let token = 0; token < 5; token++) {
      for (let c = 0; c < 8; c++) assert.ok(Math.abs(out.data[token * 8 + c]! - value.data[c]!) < 1e-6, `token ${token} channel ${c}`);
    }
  });

  test('the context matters only through attn2: zeroing attn2.to_out makes the block ignore it', () => {
    const zeroed = withOverrides(weights, zeroing(/attn2\.to_out\.0\./));
    const x = randn([1, 4, 8], 9);
    const a = basicTransformerBlock(zeroed, 'b', { heads: 2 }, x, randn([1, 3, 4], 10));
    const b = basicTransformerBlock(zeroed, 'b', { heads: 2 }, x, randn([1, 3, 4], 11));
    assert.deepEqual(a.data, b.data);
    const c = basicTransformerBlock(weights, 'b', { heads: 2 }, x, randn([1, 3, 4], 10));
    const d = basicTransformerBlock(weights, 'b', { heads: 2 }, x, randn([1, 3, 4], 11));
    assert.ok(maxAbsDiff(c, d) > 1e-4);
  });
});
