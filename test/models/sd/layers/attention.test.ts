import { describe, test } from 'node:test';
import { attention } from '../../../../app/models/sd/layers/attention.js';
import { assertAllClose } from '../../../reference/compare.js';
import { randn } from '../../../reference/ndarray.js';
import { attentionModule } from '../../../reference/transformer.js';
import { FP32_TOLERANCE, PROVIDERS, VariedNormWeights, blockModel, feed, runModel } from '../harness.js';

const weights = new VariedNormWeights(31);
const hidden = randn([2, 9, 16], 5);
const text = randn([2, 5, 12], 6);

describe('Attention module graph (to_q/to_k/to_v → MultiHeadAttention → to_out.0) matches the reference', () => {
  for (const provider of PROVIDERS) {
    test(`self-attention, 4 heads of 4, no q/k/v bias, on ${provider}`, async () => {
      const model = blockModel({
        dtype: 'float32', weights, scope: ['attn1'], inputs: { x: hidden.shape }, outputShape: hidden.shape,
        build: (ctx, v) => attention(ctx, v.x!, null, { queryDim: 16, keyValueDim: 16, heads: 4, headDim: 4, projectionBias: false, upcast: false }),
      });
      const out = await runModel(model, { x: feed(hidden, 'float32') }, provider);
      assertAllClose(out.y!, attentionModule(weights, 'attn1', { heads: 4, qkvBias: false }, hidden), FP32_TOLERANCE[provider], `self-attention on ${provider}`);
    });

    test(`cross-attention to a 12-wide context, 2 heads of 8, q/k/v bias, on ${provider}`, async () => {
      const model = blockModel({
        dtype: 'float32', weights, scope: ['attn2'], inputs: { x: hidden.shape, context: text.shape }, outputShape: hidden.shape,
        build: (ctx, v) => attention(ctx, v.x!, v.context!, { queryDim: 16, keyValueDim: 12, heads: 2, headDim: 8, projectionBias: true, upcast: false }),
      });
      const out = await runModel(model, { x: feed(hidden, 'float32'), context: feed(text, 'float32') }, provider);
      assertAllClose(out.y!, attentionModule(weights, 'attn2', { heads: 2, qkvBias: true }, hidden, text), FP32_TOLERANCE[provider], `cross-attention on ${provider}`);
    });
  }
});
