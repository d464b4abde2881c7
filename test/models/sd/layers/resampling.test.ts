import { describe, test } from 'node:test';
import { downsample2D, upsample2D } from '../../../../app/models/sd/layers/resampling.js';
import { assertAllClose } from '../../../reference/compare.js';
import { randn } from '../../../reference/ndarray.js';
import * as reference from '../../../reference/resnet-block.js';
import { FP32_TOLERANCE, PROVIDERS, VariedNormWeights, blockModel, feed, runModel } from '../harness.js';

const weights = new VariedNormWeights(71);
const x = randn([1, 4, 7, 5], 19);

describe('Downsample2D / Upsample2D graphs match the reference', () => {
  for (const provider of PROVIDERS) {
    test(`Downsample2D padding 1 (UNet) on odd 7×5 → 4×3 on ${provider}`, async () => {
      const model = blockModel({ dtype: 'float32', weights, scope: ['downsamplers.0'], inputs: { x: x.shape }, outputShape: [1, 4, 4, 3], build: (ctx, v) => downsample2D(ctx, v.x!, 4, 1) });
      const out = await runModel(model, { x: feed(x, 'float32') }, provider);
      assertAllClose(out.y!, reference.downsample2D(weights, 'downsamplers.0', { padding: 1 }, x), FP32_TOLERANCE[provider], `downsample on ${provider}`);
    });

    test(`Downsample2D padding 0 (VAE encoder) on odd 7×5 → 3×2 on ${provider}`, async () => {
      const model = blockModel({ dtype: 'float32', weights, scope: ['downsamplers.0'], inputs: { x: x.shape }, outputShape: [1, 4, 3, 2], build: (ctx, v) => downsample2D(ctx, v.x!, 4, 0) });
      const out = await runModel(model, { x: feed(x, 'float32') }, provider);
      assertAllClose(out.y!, reference.downsample2D(weights, 'downsamplers.0', { padding: 0 }, x), FP32_TOLERANCE[provider], `VAE downsample on ${provider}`);
    });

    test(`Upsample2D 2× (nearest) then conv on ${provider}`, async () => {
      const model = blockModel({ dtype: 'float32', weights, scope: ['upsamplers.0'], inputs: { x: x.shape }, outputShape: [1, 4, 14, 10], build: (ctx, v) => upsample2D(ctx, v.x!, 4, null) });
      const out = await runModel(model, { x: feed(x, 'float32') }, provider);
      assertAllClose(out.y!, reference.upsample2D(weights, 'upsamplers.0', x), FP32_TOLERANCE[provider], `upsample on ${provider}`);
    });

    test(`Upsample2D to a skip tensor's odd size 4×3 → 7×5 on ${provider}`, async () => {
      const small = randn([1, 4, 4, 3], 20);
      const model = blockModel({
        dtype: 'float32', weights, scope: ['upsamplers.0'], inputs: { x: small.shape, skip: [1, 2, 7, 5] }, outputShape: [1, 4, 7, 5],
        build: (ctx, v) => upsample2D(ctx, v.x!, 4, v.skip!),
      });
      const out = await runModel(model, { x: feed(small, 'float32'), skip: feed(randn([1, 2, 7, 5], 21), 'float32') }, provider);
      assertAllClose(out.y!, reference.upsample2D(weights, 'upsamplers.0', small, [7, 5]), FP32_TOLERANCE[provider], `sized upsample on ${provider}`);
    });
  }
});
