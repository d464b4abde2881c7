import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { unetCost } from '../../../app/models/sd/flops.js';
import { tinySdxlPipelineConfigs } from '../../../app/models/sd/presets.js';
import { parseUNetConfig, type UNetConfigJson } from '../../../app/models/sd/unet-config.js';
import { planUNet } from '../../../app/models/sd/unet-plan.js';
import { buildUNet } from '../../../app/models/sd/unet.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';
import { assertAllClose } from '../../reference/compare.js';
import { NdArray, randn } from '../../reference/ndarray.js';
import { unet2DConditionModel, type UNet2DConditionConfig } from '../../reference/unet.js';
import { FP32_TOLERANCE, PROVIDERS, VariedNormWeights, askedParameterSizes, assertFloat16Close, feed, runModel, roundedToFloat16 } from './harness.js';

/** diffusers-shaped SDXL config at test size: DownBlock2D first, three levels, transformer depth [1, 1, 2] (mid block 2 too). */
const SDXL_TINY = tinySdxlPipelineConfigs(1000).unet;
/** An asymmetric variant: explicit up-block depths, per-block heads, a level-1 depth of 2. */
const SDXL_ASYMMETRIC: UNetConfigJson = {
  ...SDXL_TINY,
  transformer_layers_per_block: [1, 2, 1],
  reverse_transformer_layers_per_block: [2, 1, 1],
  attention_head_dim: [2, 4, 2],
  layers_per_block: [1, 1, 2],
};

const weights = new VariedNormWeights(73);
const TEXT_DIM = 32;

/** SDXL's time ids as the pipeline builds them: original size, crop offset, target size (here in latent-free pixels). */
const timeIds = (batch: number) => new NdArray([batch, 6], Float32Array.from({ length: batch * 6 }, (_, i) => [1024, 768, 0, 64, 1024, 1024][i % 6]! + Math.floor(i / 6) * 8));

interface SdxlInputs {
  sample: NdArray;
  timesteps: number[];
  context: NdArray;
  textEmbeds: NdArray;
  timeIds: NdArray;
}

function inputs(batch: number, height: number, width: number, seed: number): SdxlInputs {
  return {
    sample: randn([batch, 4, height, width], seed),
    timesteps: batch === 2 ? [981, 3] : [500],
    context: randn([batch, 7, 64], seed + 1),
    textEmbeds: randn([batch, TEXT_DIM], seed + 2),
    timeIds: timeIds(batch),
  };
}

function reference(config: UNetConfigJson, x: SdxlInputs): NdArray {
  const withDefaults = { norm_eps: 1e-5, norm_num_groups: 32, flip_sin_to_cos: true, freq_shift: 0, ...config } as UNet2DConditionConfig;
  return unet2DConditionModel(weights, '', withDefaults, x.sample, x.timesteps, x.context, { textEmbeds: x.textEmbeds, timeIds: x.timeIds });
}

function feeds(x: SdxlInputs, dtype: 'float32' | 'float16') {
  return {
    sample: feed(x.sample, dtype),
    timestep: { type: 'float32' as const, data: Float32Array.from(x.timesteps), dims: [x.timesteps.length] },
    encoder_hidden_states: feed(x.context, dtype),
    text_embeds: feed(x.textEmbeds, dtype),
    time_ids: feed(x.timeIds, dtype),
  };
}

describe('SDXL UNet graph matches the reference composition', () => {
  for (const provider of PROVIDERS) {
    // 8×6 latents: every attention layer sees < 32 query tokens (harness.ts: WebGPU on lavapipe).
    test(`test-size SDXL (text_time, DownBlock2D first, 2-deep transformers incl. the mid block, Linear projections), batch 2, on ${provider}`, async () => {
      const x = inputs(2, 8, 6, 31);
      const out = await runModel(buildUNet(parseUNetConfig(SDXL_TINY), weights), feeds(x, 'float32'), provider);
      assertAllClose(out.out_sample!, reference(SDXL_TINY, x), FP32_TOLERANCE[provider], `SDXL UNet on ${provider}`);
    });
  }

  test('reverse_transformer_layers_per_block and per-block heads, odd 7×5 latents, one timestep for the batch', async () => {
    const x = inputs(1, 7, 5, 41);
    const out = await runModel(buildUNet(parseUNetConfig(SDXL_ASYMMETRIC), weights), feeds(x, 'float32'), 'cpu');
    assertAllClose(out.out_sample!, reference(SDXL_ASYMMETRIC, x), FP32_TOLERANCE.cpu, 'asymmetric SDXL UNet');
  });

  test('the time ids change the output (the added embedding is wired in)', async () => {
    const x = inputs(1, 4, 4, 51);
    const model = buildUNet(parseUNetConfig(SDXL_TINY), weights);
    const base = await runModel(model, feeds(x, 'float32'), 'cpu');
    const cropped = { ...x, timeIds: new NdArray([1, 6], Float32Array.of(1024, 1024, 128, 0, 1024, 1024)) };
    const moved = await runModel(model, feeds(cropped, 'float32'), 'cpu');
    assertAllClose(moved.out_sample!, reference(SDXL_TINY, cropped), FP32_TOLERANCE.cpu, 'other crop offset');
    assert.ok(moved.out_sample!.data.some((v, i) => Math.abs(v - base.out_sample!.data[i]!) > 1e-3));
  });
});

describe('SDXL UNet float16 variant', () => {
  for (const provider of PROVIDERS) {
    test(`float16 weights and I/O (time_ids included) stay close to float32 on ${provider} (tolerance: harness.ts assertFloat16Close)`, async () => {
      const raw = inputs(2, 8, 6, 61);
      const x = { ...raw, sample: roundedToFloat16(raw.sample), context: roundedToFloat16(raw.context), textEmbeds: roundedToFloat16(raw.textEmbeds) };
      const config = parseUNetConfig(SDXL_TINY);
      const fp32 = await runModel(buildUNet(config, weights), feeds(x, 'float32'), provider);
      const fp16Model = buildUNet(config, weights, { dtype: 'float16' });
      assert.deepEqual(fp16Model.graph.input.map((input) => input.type!.tensorType!.elemType), [10, 1, 10, 10, 10]);
      const fp16 = await runModel(fp16Model, feeds(x, 'float16'), provider);
      assertFloat16Close(fp16.out_sample!, fp32.out_sample!, `SDXL UNet float16 on ${provider}`);
    });
  }
});

describe('SDXL UNet graph structure', () => {
  test('inputs and outputs as optimum exports SDXL; torch-export node names; diffusers parameter names', () => {
    const model = buildUNet(parseUNetConfig(SDXL_TINY), weights);
    const io = (values: typeof model.graph.input) => values.map((v) => `${v.name}[${(v.type!.tensorType!.shape?.dim ?? []).map((d) => d.dimParam || String(d.dimValue)).join(',')}]`);
    assert.deepEqual(io(model.graph.input), ['sample[batch,4,height,width]', 'timestep[timestep_batch]', 'encoder_hidden_states[batch,sequence,64]', 'text_embeds[batch,32]', 'time_ids[batch,6]']);
    assert.deepEqual(io(model.graph.output), ['out_sample[batch,4,height,width]']);
    const names = new Set(model.graph.node.map((node) => node.name ?? ''));
    for (const name of ['/down_blocks.0/resnets.1/conv2/Conv', '/down_blocks.1/resnets.0/conv1/Conv', '/down_blocks.2/attentions.1/transformer_blocks.1/attn1/MultiHeadAttention',
      '/mid_block/attentions.0/transformer_blocks.1/attn2/MultiHeadAttention', '/up_blocks.2/resnets.2/conv1/Conv', '/add_embedding/linear_1/MatMul']) {
      assert.ok(names.has(name), `missing node ${name}`);
    }
    assert.ok(![...names].some((name) => name.startsWith('/down_blocks.0/attentions')), 'DownBlock2D has no attention');
    const initializers = new Set(model.graph.initializer.map((tensor) => tensor.name));
    for (const name of ['add_embedding.linear_1.weight.T', 'add_embedding.linear_1.bias', 'add_embedding.linear_2.bias']) assert.ok(initializers.has(name), `missing ${name}`);
  });

  test('asks for every parameter once, and exactly as many values as the plan counts', () => {
    for (const json of [SDXL_TINY, SDXL_ASYMMETRIC]) {
      const config = parseUNetConfig(json);
      const asked = askedParameterSizes(weights, (recording) => buildUNet(config, recording));
      assert.deepEqual(asked.get('add_embedding.linear_1.weight'), 128 * (32 + 6 * 8));
      assert.equal([...asked.values()].reduce((a, b) => a + b, 0), unetCost(planUNet(config), { latentHeight: 8, latentWidth: 8 }).parameters);
    }
  });

  test('a time-id count that leaves no pooled text width is refused with the SDXL numbers as hint', () => {
    assert.throws(() => buildUNet(parseUNetConfig(SDXL_TINY), weights, { timeIdCount: 10 }), (error: unknown) => error instanceof UserFacingError && /projection_class_embeddings_input_dim 80/.test(error.message));
  });
});
