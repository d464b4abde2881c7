import { describe, test } from 'node:test';
import { groupNorm, layerNorm } from '../../../../app/models/sd/layers/normalization.js';
import { assertAllClose } from '../../../reference/compare.js';
import { randn } from '../../../reference/ndarray.js';
import * as reference from '../../../reference/ops.js';
import { param } from '../../../reference/params.js';
import { FP32_TOLERANCE, PROVIDERS, VariedNormWeights, blockModel, feed, runModel } from '../harness.js';

const weights = new VariedNormWeights(41);

describe('normalisation graphs match the references', () => {
  // Offset and scaled input: a GroupNorm that forgot to subtract the mean or divide by the std shows.
  const x = randn([2, 12, 5, 3], 7, 3);
  x.data.forEach((value, i) => (x.data[i] = value + 2));
  const tokens = randn([2, 6, 20], 8, 2);

  for (const provider of PROVIDERS) {
    test(`GroupNorm (Reshape → InstanceNormalization → Reshape → Mul → Add), 3 groups, eps 1e-5, on ${provider}`, async () => {
      const model = blockModel({ dtype: 'float32', weights, scope: ['norm1'], inputs: { x: x.shape }, outputShape: x.shape, build: (ctx, v) => groupNorm(ctx, v.x!, 12, 3, 1e-5) });
      const out = await runModel(model, { x: feed(x, 'float32') }, provider);
      const expected = reference.groupNorm(x, 3, param(weights, 'norm1.weight', [12]), param(weights, 'norm1.bias', [12]), 1e-5);
      assertAllClose(out.y!, expected, FP32_TOLERANCE[provider], `group norm on ${provider}`);
    });

    test(`LayerNorm over the last axis, eps 1e-5, on ${provider}`, async () => {
      const model = blockModel({ dtype: 'float32', weights, scope: ['layer_norm1'], inputs: { x: tokens.shape }, outputShape: tokens.shape, build: (ctx, v) => layerNorm(ctx, v.x!, 20, 1e-5) });
      const out = await runModel(model, { x: feed(tokens, 'float32') }, provider);
      const expected = reference.layerNorm(tokens, param(weights, 'layer_norm1.weight', [20]), param(weights, 'layer_norm1.bias', [20]), 1e-5);
      assertAllClose(out.y!, expected, FP32_TOLERANCE[provider], `layer norm on ${provider}`);
    });
  }
});
