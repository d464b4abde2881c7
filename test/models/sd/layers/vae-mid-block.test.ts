import { describe, test } from 'node:test';
import { vaeAttention, vaeMidBlock } from '../../../../app/models/sd/layers/vae-mid-block.js';
import { assertAllClose } from '../../../reference/compare.js';
import { randn } from '../../../reference/ndarray.js';
import * as reference from '../../../reference/vae.js';
import { FP32_TOLERANCE, PROVIDERS, VariedNormWeights, blockModel, feed, runModel } from '../harness.js';

const weights = new VariedNormWeights(101);
// 5×4 = 20 positions: below the 32 query tokens where lavapipe's WebGPU attention goes wrong (harness.ts).
const x = randn([2, 32, 5, 4], 23);

describe('VAE mid block graphs match the reference', () => {
  for (const provider of PROVIDERS) {
    test(`single-head spatial attention block (group_norm, q/k/v with bias, residual) on ${provider}`, async () => {
      const model = blockModel({
        dtype: 'float32', weights, scope: ['decoder', 'mid_block', 'attentions.0'], inputs: { x: x.shape }, outputShape: x.shape,
        build: (ctx, v) => vaeAttention(ctx, v.x!, { channels: 32, groups: 8, eps: 1e-6 }),
      });
      const out = await runModel(model, { x: feed(x, 'float32') }, provider);
      assertAllClose(out.y!, reference.vaeAttentionBlock(weights, 'decoder.mid_block.attentions.0', { groups: 8 }, x), FP32_TOLERANCE[provider], `VAE attention on ${provider}`);
    });
  }

  for (const withAttention of [true, false]) {
    test(`UNetMidBlock2D, mid_block_add_attention ${withAttention}`, async () => {
      const model = blockModel({
        dtype: 'float32', weights, scope: ['encoder', 'mid_block'], inputs: { x: x.shape }, outputShape: x.shape,
        build: (ctx, v) => vaeMidBlock(ctx, v.x!, { channels: 32, groups: 8, eps: 1e-6, withAttention }),
      });
      const out = await runModel(model, { x: feed(x, 'float32') }, 'cpu');
      assertAllClose(out.y!, reference.vaeMidBlock(weights, 'encoder.mid_block', { groups: 8, addAttention: withAttention }, x), FP32_TOLERANCE.cpu, 'VAE mid block');
    });
  }
});
