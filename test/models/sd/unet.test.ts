import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { unetCost } from '../../../app/models/sd/flops.js';
import { tinyPipelineConfigs } from '../../../app/models/sd/presets.js';
import { parseUNetConfig, type UNetConfigJson } from '../../../app/models/sd/unet-config.js';
import { planUNet } from '../../../app/models/sd/unet-plan.js';
import { buildUNet } from '../../../app/models/sd/unet.js';
import type { WeightSource } from '../../../app/models/weights/weight-source.js';
import { assertAllClose } from '../../reference/compare.js';
import { randn, type NdArray } from '../../reference/ndarray.js';
import { unet2DConditionModel, type UNet2DConditionConfig } from '../../reference/unet.js';
import { FP32_TOLERANCE, PROVIDERS, VariedNormWeights, askedParameterSizes, assertFloat16Close, feed, runModel, roundedToFloat16 } from './harness.js';

const SD1_TINY = tinyPipelineConfigs(1000).unet;
/** SD2 layout at test size: Linear projections, per-block head counts and resnet counts, three levels, two transformer layers in the deepest. */
const SD2_TINY: UNetConfigJson = {
  in_channels: 4,
  out_channels: 4,
  down_block_types: ['CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'DownBlock2D'],
  up_block_types: ['UpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D'],
  block_out_channels: [32, 32, 64],
  layers_per_block: [1, 2, 1],
  norm_num_groups: 16,
  cross_attention_dim: 24,
  attention_head_dim: [2, 4, 4],
  transformer_layers_per_block: [1, 1, 2],
  use_linear_projection: true,
  upcast_attention: true,
};

const weights = new VariedNormWeights(51);
// Up to 8×6 latents: every attention layer sees < 32 query tokens (see harness.ts: WebGPU on lavapipe).
const text = randn([2, 7, 32], 12);

function referenceOutput(config: UNetConfigJson, sample: NdArray, timesteps: number[], context: NdArray, source: WeightSource = weights): NdArray {
  // diffusers' defaults for the keys the JSON leaves out (UNet2DConditionModel.__init__).
  const withDefaults = { norm_eps: 1e-5, norm_num_groups: 32, flip_sin_to_cos: true, freq_shift: 0, ...config } as UNet2DConditionConfig;
  return unet2DConditionModel(source, '', withDefaults, sample, timesteps, context);
}

describe('UNet2DConditionModel graph matches the reference composition', () => {
  for (const provider of PROVIDERS) {
    test(`SD1 layout (tiny default model), 8×6 latents, batch 2, per-sample timesteps, on ${provider}`, async () => {
      const sample = randn([2, 4, 8, 6], 13);
      const model = buildUNet(parseUNetConfig(SD1_TINY), weights);
      const out = await runModel(model, {
        sample: feed(sample, 'float32'),
        timestep: { type: 'float32', data: Float32Array.of(981, 1), dims: [2] },
        encoder_hidden_states: feed(text, 'float32'),
      }, provider);
      assertAllClose(out.out_sample!, referenceOutput(SD1_TINY, sample, [981, 1], text), FP32_TOLERANCE[provider], `SD1 UNet on ${provider}`);
    });
  }

  test('SD2 layout (Linear projections, head and resnet counts per block, 2 transformer layers), odd 7×5 latents, one timestep for the batch', async () => {
    // 7×5 → 4×3 → 2×2 and back: the upsamplers must resize to the skip sizes (diffusers' upsample_size path).
    const sample = randn([2, 4, 7, 5], 14);
    const context = randn([2, 5, 24], 15);
    const model = buildUNet(parseUNetConfig(SD2_TINY), weights);
    const out = await runModel(model, {
      sample: feed(sample, 'float32'),
      timestep: { type: 'float32', data: Float32Array.of(500.5), dims: [1] },
      encoder_hidden_states: feed(context, 'float32'),
    }, 'cpu');
    assert.deepEqual(out.out_sample!.shape, [2, 4, 7, 5]);
    assertAllClose(out.out_sample!, referenceOutput(SD2_TINY, sample, [500.5], context), FP32_TOLERANCE.cpu, 'SD2 UNet');
  });

  test('timestepType int64 takes integer timesteps and gives the float32 result', async () => {
    const sample = randn([1, 4, 4, 4], 16);
    const context = randn([1, 7, 32], 17);
    const config = parseUNetConfig(SD1_TINY);
    const feeds = { sample: feed(sample, 'float32'), encoder_hidden_states: feed(context, 'float32') };
    const asInt = await runModel(buildUNet(config, weights, { timestepType: 'int64' }), { ...feeds, timestep: { type: 'int64', data: BigInt64Array.of(999n), dims: [1] } }, 'cpu');
    assertAllClose(asInt.out_sample!, referenceOutput(SD1_TINY, sample, [999], context), FP32_TOLERANCE.cpu, 'int64 timestep');
  });
});

describe('UNet float16 variant', () => {
  for (const provider of PROVIDERS) {
    test(`float16 weights and I/O stay close to float32 on ${provider} (tolerance: harness.ts assertFloat16Close)`, async () => {
      const sample = roundedToFloat16(randn([2, 4, 8, 6], 18));
      const context = roundedToFloat16(text);
      const config = parseUNetConfig(SD1_TINY);
      const timestep = { type: 'float32' as const, data: Float32Array.of(999, 20), dims: [2] };
      const fp32 = await runModel(buildUNet(config, weights), { sample: feed(sample, 'float32'), timestep, encoder_hidden_states: feed(context, 'float32') }, provider);
      const fp16Model = buildUNet(config, weights, { dtype: 'float16' });
      assert.deepEqual(fp16Model.graph.input.map((input) => input.type!.tensorType!.elemType), [10, 1, 10], 'sample and encoder_hidden_states float16, timestep float32');
      const fp16 = await runModel(fp16Model, { sample: feed(sample, 'float16'), timestep, encoder_hidden_states: feed(context, 'float16') }, provider);
      assertFloat16Close(fp16.out_sample!, fp32.out_sample!, `UNet float16 on ${provider}`);
    });
  }
});

describe('UNet graph structure', () => {
  test('nodes carry torch-export module paths; the 3×3 convs ScaleCrafter re-dilates are findable by name', () => {
    const model = buildUNet(parseUNetConfig(SD1_TINY), weights);
    const names = new Set(model.graph.node.map((node) => node.name));
    for (const name of ['/conv_in/Conv', '/down_blocks.1/resnets.0/conv1/Conv', '/down_blocks.0/downsamplers.0/conv/Conv', '/mid_block/resnets.1/conv2/Conv',
      '/up_blocks.0/upsamplers.0/conv/Conv', '/up_blocks.0/attentions.2/transformer_blocks.0/attn2/MultiHeadAttention', '/conv_out/Conv']) {
      assert.ok(names.has(name), `missing node ${name}`);
    }
    const conv = model.graph.node.find((node) => node.name === '/down_blocks.1/resnets.0/conv1/Conv')!;
    assert.deepEqual(conv.input.slice(1), ['down_blocks.1.resnets.0.conv1.weight', 'down_blocks.1.resnets.0.conv1.bias']);
    assert.deepEqual(model.graph.input.map((input) => input.name), ['sample', 'timestep', 'encoder_hidden_states']);
    assert.deepEqual(model.graph.output.map((output) => output.name), ['out_sample']);
  });

  test('asks for every parameter once, and exactly as many values as the plan counts', () => {
    for (const json of [SD1_TINY, SD2_TINY]) {
      const config = parseUNetConfig(json);
      const asked = askedParameterSizes(weights, (recording) => buildUNet(config, recording));
      const total = [...asked.values()].reduce((a, b) => a + b, 0);
      assert.equal(total, unetCost(planUNet(config), { latentHeight: 8, latentWidth: 8 }).parameters);
    }
  });
});
