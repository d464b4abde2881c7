/**
 * The Attn-SF control on a three-level SD-architecture UNet (self-attention at levels 0, 1 and
 * 2, down and up): λ = 1 reproduces the original exactly; with λ from attentionScaleFeeds each
 * attn1's MultiHeadAttention output equals the reference attention (test/reference/attention.ts)
 * of that run's own q, k, v with the logits scaled by √(ln N / ln N_train), N read from the query
 * the graph actually produced; one session takes any factors; CPU and WebGPU.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseUNetConfig } from '../../../app/models/sd/unet-config.js';
import { buildUNet } from '../../../app/models/sd/unet.js';
import { SeededWeights } from '../../../app/models/weights/seeded-weights.js';
import { TensorDataType } from '../../../app/onnx/data-type.js';
import { tensorValueInfo } from '../../../app/onnx/graph-builder.js';
import { modulePathOfNode } from '../../../app/onnx/inspect.js';
import type { OnnxModel } from '../../../app/onnx/model.js';
import { serializeModel } from '../../../app/onnx/model-io.js';
import type { HostTensor } from '../../../app/runtime/host-tensor.js';
import { openSession, type ModelSession } from '../../../app/runtime/session.js';
import { addAttentionScaleControls, ATTENTION_SCALE_INPUT, attentionLogitScale, attentionScaleFeeds, attentionScaleOffFeeds, levelTokenCount, readAttentionScaleLayout, type AttentionScaleLayout } from '../../../app/scalecrafter/prepare/attention-scale-controls.js';
import { attention } from '../../reference/attention.js';
import { assertAllClose, difference } from '../../reference/compare.js';
import { randn, type NdArray } from '../../reference/ndarray.js';
import { floatFeed, singleConvModel, toNdArray } from './conv-models.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

const CONFIG = parseUNetConfig({
  in_channels: 4,
  out_channels: 4,
  down_block_types: ['CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'DownBlock2D'],
  up_block_types: ['UpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D'],
  block_out_channels: [32, 32, 64],
  layers_per_block: 1,
  norm_num_groups: 32,
  cross_attention_dim: 32,
  attention_head_dim: [2, 2, 4],
});
/** Heads per level (attention_head_dim is the head count in SD1-style configs). */
const HEADS = [2, 2, 4];
/** Training latent 8×8: levels hold 64, 16 and 4 tokens (written out, not derived with levelTokenCount). */
const TRAIN_LATENT = [8, 8] as const;
const TRAIN_TOKENS = [64, 16, 4];
const EXPECTED_LAYERS = [
  { module: 'down_blocks.0.attentions.0.transformer_blocks.0.attn1', level: 0 },
  { module: 'down_blocks.1.attentions.0.transformer_blocks.0.attn1', level: 1 },
  { module: 'mid_block.attentions.0.transformer_blocks.0.attn1', level: 2 },
  { module: 'up_blocks.1.attentions.0.transformer_blocks.0.attn1', level: 1 },
  { module: 'up_blocks.1.attentions.1.transformer_blocks.0.attn1', level: 1 },
  { module: 'up_blocks.2.attentions.0.transformer_blocks.0.attn1', level: 0 },
  { module: 'up_blocks.2.attentions.1.transformer_blocks.0.attn1', level: 0 },
];

const unet = buildUNet(CONFIG, new SeededWeights(5));

/** Per attn1: the (unscaled) to_q/to_k/to_v outputs and the MultiHeadAttention output, as values of the original graph. */
function attentionProbes(model: OnnxModel): Array<{ module: string; q: string; k: string; v: string; attended: string }> {
  const output = (module: string, opType?: string) => {
    const node = model.graph.node.find((item) => modulePathOfNode(item) === module && (opType === undefined || item.opType === opType));
    assert.ok(node, `no node of ${module}`);
    return node.output[0]!;
  };
  return EXPECTED_LAYERS.map(({ module }) => ({
    module, q: output(`${module}.to_q`), k: output(`${module}.to_k`), v: output(`${module}.to_v`), attended: output(module, 'MultiHeadAttention'),
  }));
}

/** The model with the probes as extra graph outputs (the rewrite leaves graph outputs alone). */
function withProbes(model: OnnxModel, names: readonly string[]): OnnxModel {
  // Element type only: the probes' sizes differ, so no shared symbolic dims.
  const extra = names.map((name) => ({ name, type: { tensorType: { elemType: TensorDataType.FLOAT } } }));
  return { ...model, graph: { ...model.graph, output: [...model.graph.output, ...extra] } };
}

function unetFeeds(latentHeight: number, latentWidth: number): Record<string, HostTensor> {
  return {
    sample: floatFeed(randn([2, 4, latentHeight, latentWidth], 1), 'float32'),
    timestep: { type: 'float32', data: Float32Array.of(601), dims: [1] },
    encoder_hidden_states: floatFeed(randn([2, 7, 32], 2), 'float32'),
  };
}

const open = (model: OnnxModel, executionProvider: 'cpu' | 'webgpu') => openSession(serializeModel(model), { executionProvider });

async function runAll(session: ModelSession, feeds: Record<string, HostTensor>): Promise<Record<string, NdArray>> {
  const results = await session.run(feeds);
  return Object.fromEntries(Object.entries(results).map(([name, value]) => [name, toNdArray(value)]));
}

/**
 * Each attn1 output against softmax(λ·q·kᵀ/√d)·v on the run's own q, k, v, with λ from the
 * token count of that q. Returns the largest change λ made (so a caller can check it mattered).
 */
function assertScaledAttention(outputs: Record<string, NdArray>, probes: ReturnType<typeof attentionProbes>, tolerance: { atol: number; rtol: number }, label: string): number {
  let largestEffect = 0;
  probes.forEach((probe, index) => {
    const { level } = EXPECTED_LAYERS[index]!;
    const [q, k, v] = [outputs[probe.q]!, outputs[probe.k]!, outputs[probe.v]!];
    const tokens = q.shape[1]!;
    const lambda = Math.sqrt(Math.log(tokens) / Math.log(TRAIN_TOKENS[level]!));
    const headDim = q.shape[2]! / HEADS[level]!;
    const expected = attention(q, k, v, HEADS[level]!, { scale: lambda / Math.sqrt(headDim) });
    assertAllClose(outputs[probe.attended]!, expected, tolerance, `${label}: ${probe.module} (${tokens} tokens, λ ${lambda.toFixed(4)})`);
    const unscaled = attention(q, k, v, HEADS[level]!);
    largestEffect = Math.max(largestEffect, difference(expected.data, unscaled.data, { atol: 0, rtol: 0 }).maxAbs);
  });
  return largestEffect;
}

describe('attention-scale (Attn-SF) controls', () => {
  const probes = attentionProbes(unet);
  const probeNames = probes.flatMap((probe) => [probe.q, probe.k, probe.v, probe.attended]);
  const plainModel = withProbes(unet, probeNames);
  const model = addAttentionScaleControls(plainModel).model;
  const layout = readAttentionScaleLayout(model) as AttentionScaleLayout;
  let plain: ModelSession, controlled: ModelSession;
  before(async () => {
    [plain, controlled] = await Promise.all([open(plainModel, 'cpu'), open(model, 'cpu')]);
  });
  after(async () => {
    await Promise.all([plain.release(), controlled.release()]);
  });

  test('layout: every attn1 (not attn2) with its level, down, mid and up; one float32 input', () => {
    assert.deepEqual(layout, { version: 1, layers: EXPECTED_LAYERS });
    assert.deepEqual(model.graph.input.at(-1), tensorValueInfo(ATTENTION_SCALE_INPUT, 'float32', [EXPECTED_LAYERS.length]));
    assert.ok(controlled.inputNames.includes(ATTENTION_SCALE_INPUT) && !plain.inputNames.includes(ATTENTION_SCALE_INPUT));
    assert.equal(readAttentionScaleLayout(unet), undefined);
  });

  test('λ = 1 everywhere: every output equals the original graph\'s, bit for bit', async () => {
    const feeds = unetFeeds(8, 6);
    const expected = await runAll(plain, feeds);
    const actual = await runAll(controlled, { ...feeds, ...attentionScaleOffFeeds(layout) });
    for (const name of Object.keys(expected)) assert.deepEqual(actual[name]!.data, expected[name]!.data, name);
  });

  test('λ from attentionScaleFeeds: each self-attention equals the reference with logits × √(ln N / ln N_train)', async () => {
    for (const [height, width] of [[12, 10], [7, 5]] as const) {
      const outputs = await runAll(controlled, { ...unetFeeds(height, width), ...attentionScaleFeeds(layout, height, width, ...TRAIN_LATENT) });
      const effect = assertScaledAttention(outputs, probes, { atol: 1e-5, rtol: 1e-4 }, `${height}×${width}`);
      assert.ok(effect > 1e-3, `λ must change some attention output (largest change ${effect})`);
    }
  });

  test('one session, factors changed between runs; any per-layer factor reaches its own layer', async () => {
    const feeds = unetFeeds(8, 6);
    const plainOut = (await runAll(plain, feeds)).out_sample!;
    const perLayer = Float32Array.from(EXPECTED_LAYERS, (_, index) => 0.5 + 0.25 * index);
    const sequence = [attentionScaleFeeds(layout, 8, 6, ...TRAIN_LATENT), { [ATTENTION_SCALE_INPUT]: { type: 'float32' as const, data: perLayer, dims: [perLayer.length] } }, attentionScaleOffFeeds(layout)];
    const outs: NdArray[] = [];
    for (const controls of sequence) {
      const outputs = await runAll(controlled, { ...feeds, ...controls });
      const lambdas = controls[ATTENTION_SCALE_INPUT]!.data as Float32Array;
      probes.forEach((probe, index) => {
        const [q, k, v] = [outputs[probe.q]!, outputs[probe.k]!, outputs[probe.v]!];
        const heads = HEADS[EXPECTED_LAYERS[index]!.level]!;
        const expected = attention(q, k, v, heads, { scale: lambdas[index]! / Math.sqrt(q.shape[2]! / heads) });
        assertAllClose(outputs[probe.attended]!, expected, { atol: 1e-5, rtol: 1e-4 }, `${probe.module} at λ ${lambdas[index]}`);
      });
      outs.push(outputs.out_sample!);
    }
    assert.ok(difference(outs[0]!.data, plainOut.data, { atol: 0, rtol: 0 }).maxAbs > 1e-4, 'Attn-SF changes out_sample');
    assert.ok(difference(outs[1]!.data, outs[0]!.data, { atol: 0, rtol: 0 }).maxAbs > 1e-4, 'other factors, other output');
    assert.deepEqual(outs[2]!.data, plainOut.data, 'off again: the original output');
  });

  test('WebGPU (≤ 20 query tokens): λ = 1 equals the original there; Attn-SF matches the reference', async () => {
    const [plainGpu, controlledGpu] = await Promise.all([open(plainModel, 'webgpu'), open(model, 'webgpu')]);
    try {
      const feeds = unetFeeds(5, 4); // levels of 20, 6 and 2 tokens: ORT WebGPU MHA is wrong on lavapipe from 32 query tokens
      const expected = await runAll(plainGpu, feeds);
      const off = await runAll(controlledGpu, { ...feeds, ...attentionScaleOffFeeds(layout) });
      for (const name of Object.keys(expected)) assertAllClose(off[name]!, expected[name]!, { atol: 1e-6, rtol: 0 }, `webgpu off ${name}`);
      const on = await runAll(controlledGpu, { ...feeds, ...attentionScaleFeeds(layout, 5, 4, ...TRAIN_LATENT) });
      assertScaledAttention(on, probes, { atol: 1e-4, rtol: 1e-3 }, 'webgpu 5×4');
    } finally {
      await Promise.all([plainGpu.release(), controlledGpu.release()]);
    }
  });

  test('λ and token counts: SD1.5 at 1024² vs 512² (latent 128 vs 64) scales level 0 by √(14/12); sizes round up per level', () => {
    // 128² = 2^14 tokens vs 64² = 2^12: λ = √(14·ln 2 / 12·ln 2).
    assert.ok(Math.abs(attentionLogitScale(128 * 128, 64 * 64) - Math.sqrt(14 / 12)) < 1e-12);
    assert.deepEqual([0, 1, 2, 3].map((level) => levelTokenCount(17, 13, level)), [17 * 13, 9 * 7, 5 * 4, 3 * 2]);
    const feed = attentionScaleFeeds({ version: 1, layers: [{ module: 'a.attn1', level: 0 }, { module: 'b.attn1', level: 3 }] }, 128, 128, 64, 64)[ATTENTION_SCALE_INPUT]!;
    assert.deepEqual(Array.from(feed.data as Float32Array), [Math.fround(Math.sqrt(14 / 12)), Math.fround(Math.sqrt(8 / 6))]);
    assert.throws(() => attentionLogitScale(16, 1), /training token count 1 must be an integer ≥ 2/);
    assert.throws(() => attentionScaleFeeds(layout, 0, 8, 8, 8), /latent height 0 must be a positive integer/);
  });

  test('errors: applied twice; a graph without self-attention', () => {
    assert.throws(() => addAttentionScaleControls(model).model, /already has attention-scale controls/);
    const noAttention = singleConvModel({ modulePath: 'mid_block.resnets.0.conv1', stride: 1, inChannels: 2, outChannels: 2, seed: 3 }).model;
    assert.throws(() => addAttentionScaleControls(noAttention).model, (error: unknown) => error instanceof UserFacingError && /no self-attention found/.test(error.message));
  });
});
