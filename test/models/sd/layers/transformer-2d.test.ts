import { describe, test } from 'node:test';
import { transformer2D, type Transformer2DShape } from '../../../../app/models/sd/layers/transformer-2d.js';
import { assertAllClose } from '../../../reference/compare.js';
import { randn } from '../../../reference/ndarray.js';
import { transformer2DModel } from '../../../reference/transformer.js';
import { FP32_TOLERANCE, PROVIDERS, VariedNormWeights, blockModel, feed, runModel, roundedToFloat16 } from '../harness.js';

const weights = new VariedNormWeights(21);
const scope = ['down_blocks.1', 'attentions.0'];
const prefix = scope.join('.');
const x = randn([2, 32, 4, 3], 3);
const text = randn([2, 7, 24], 4);

function shapeFor(linearProjection: boolean, upcastAttention = false): Transformer2DShape {
  // 4 heads of 8 channels, two stacked transformer blocks, SD's cross-attention to a 24-wide text.
  return { channels: 32, heads: 4, headDim: 8, layers: 2, crossAttentionDim: 24, linearProjection, groups: 8, upcastAttention };
}

function modelFor(dtype: 'float32' | 'float16', shape: Transformer2DShape) {
  return blockModel({
    dtype, weights, scope, inputs: { x: x.shape, text: text.shape }, outputShape: x.shape,
    build: (ctx, v) => transformer2D(ctx, v.x!, v.text!, shape),
  });
}

describe('Transformer2DModel graph matches the reference', () => {
  for (const [style, linearProjection] of [['SD1 (1×1 conv proj_in/proj_out)', false], ['SD2 (Linear proj_in/proj_out)', true]] as const) {
    for (const provider of PROVIDERS) {
      test(`${style} on ${provider}`, async () => {
        const out = await runModel(modelFor('float32', shapeFor(linearProjection)), { x: feed(x, 'float32'), text: feed(text, 'float32') }, provider);
        const expected = transformer2DModel(weights, prefix, { heads: 4, groups: 8, useLinearProjection: linearProjection, layers: 2 }, x, text);
        assertAllClose(out.y!, expected, FP32_TOLERANCE[provider], `${style} on ${provider}`);
      });
    }
  }

  // float16 weights and activations, ~10 ops deep with two attention layers: the reference sees the
  // same float16-rounded inputs but computes in float32/64, so the tolerance is float16's ~1e-3
  // relative error grown over the depth: atol 2e-2, rtol 2e-2 on outputs of order 1.
  for (const provider of PROVIDERS) {
    test(`SD2 style in float16 with upcast attention on ${provider} (atol 2e-2, rtol 2e-2)`, async () => {
      const x16 = roundedToFloat16(x);
      const text16 = roundedToFloat16(text);
      const out = await runModel(modelFor('float16', shapeFor(true, true)), { x: feed(x16, 'float16'), text: feed(text16, 'float16') }, provider);
      const expected = transformer2DModel(weights, prefix, { heads: 4, groups: 8, useLinearProjection: true, layers: 2 }, x16, text16);
      assertAllClose(out.y!, expected, { atol: 2e-2, rtol: 2e-2 }, `float16 transformer on ${provider}`);
    });
  }
});
