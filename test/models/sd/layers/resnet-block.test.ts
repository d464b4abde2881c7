import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resnetBlock2D } from '../../../../app/models/sd/layers/resnet-block.js';
import { assertAllClose } from '../../../reference/compare.js';
import { randn } from '../../../reference/ndarray.js';
import * as reference from '../../../reference/resnet-block.js';
import { FP32_TOLERANCE, PROVIDERS, VariedNormWeights, blockModel, feed, runModel } from '../harness.js';

const weights = new VariedNormWeights(11);
const scope = ['down_blocks.1', 'resnets.0'];
const prefix = scope.join('.');

describe('ResnetBlock2D graph matches the reference', () => {
  const x = randn([2, 32, 6, 5], 1);
  const temb = randn([2, 24], 2);

  for (const provider of PROVIDERS) {
    test(`UNet form: channels 32 → 64 (conv_shortcut), time embedding, eps 1e-5, on ${provider}`, async () => {
      const model = blockModel({
        dtype: 'float32', weights, scope, inputs: { x: x.shape, temb: temb.shape }, outputShape: [2, 64, 6, 5],
        build: (ctx, v) => resnetBlock2D(ctx, v.x!, { value: v.temb!, channels: 24 }, { inChannels: 32, outChannels: 64, groups: 8, eps: 1e-5, outputScaleFactor: 1 }),
      });
      const out = await runModel(model, { x: feed(x, 'float32'), temb: feed(temb, 'float32') }, provider);
      const expected = reference.resnetBlock2D(weights, prefix, { outChannels: 64, groups: 8, eps: 1e-5 }, x, temb);
      assertAllClose(out.y!, expected, FP32_TOLERANCE[provider], `resnet on ${provider}`);
    });
  }

  test('VAE form: same channels (identity shortcut), no time embedding, eps 1e-6', async () => {
    const model = blockModel({
      dtype: 'float32', weights, scope, inputs: { x: x.shape }, outputShape: x.shape,
      build: (ctx, v) => resnetBlock2D(ctx, v.x!, null, { inChannels: 32, outChannels: 32, groups: 4, eps: 1e-6, outputScaleFactor: 1 }),
    });
    const out = await runModel(model, { x: feed(x, 'float32') }, 'cpu');
    assertAllClose(out.y!, reference.resnetBlock2D(weights, prefix, { groups: 4, eps: 1e-6 }, x), FP32_TOLERANCE.cpu, 'VAE resnet');
  });

  test('asks the WeightSource for exactly the diffusers parameter names', () => {
    const asked: string[] = [];
    const recording = { description: 'recording', tensor: (name: string, shape: readonly number[]) => (asked.push(name), weights.tensor(name, shape)) };
    blockModel({
      dtype: 'float32', weights: recording, scope, inputs: { x: x.shape, temb: temb.shape }, outputShape: [2, 64, 6, 5],
      build: (ctx, v) => resnetBlock2D(ctx, v.x!, { value: v.temb!, channels: 24 }, { inChannels: 32, outChannels: 64, groups: 8, eps: 1e-5, outputScaleFactor: 1 }),
    });
    const leaves = ['norm1', 'conv1', 'time_emb_proj', 'norm2', 'conv2', 'conv_shortcut'].flatMap((m) => [`${m}.weight`, `${m}.bias`]);
    assert.deepEqual([...asked].sort(), leaves.map((leaf) => `${prefix}.${leaf}`).sort());
  });
});
