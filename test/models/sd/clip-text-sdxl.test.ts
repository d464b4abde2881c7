import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildClipTextModel } from '../../../app/models/sd/clip-text.js';
import { parseClipTextConfig } from '../../../app/models/sd/clip-text-config.js';
import { tinySdxlPipelineConfigs } from '../../../app/models/sd/presets.js';
import { clipTextModel, clipTextModelWithProjection, type ClipTextConfig } from '../../reference/clip-text-model.js';
import { assertAllClose } from '../../reference/compare.js';
import { FP32_TOLERANCE, PROVIDERS, VariedNormWeights, assertFloat16Close, runModel } from './harness.js';

const weights = new VariedNormWeights(211);
const CONFIGS = tinySdxlPipelineConfigs(1000);
/** SDXL's text_encoder_2 at test size: gelu, a 32 → 32 text_projection. */
const ENCODER_2 = { ...CONFIGS.textEncoder2, num_hidden_layers: 3 } as ClipTextConfig & { projection_dim: number };
const ENCODER_1 = CONFIGS.textEncoder as ClipTextConfig;

/** Rows like tokenizer_2 output: BOS 998, words, EOS 999 (the largest id), then "!" padding (id 0 in the real vocabulary). */
function tokenRows(length: number): number[][] {
  const row = (words: number[]) => [998, ...words, 999, ...new Array<number>(length - words.length - 2).fill(0)];
  return [row([5, 17, 400, 3]), row([250, 7])];
}

async function run(json: object, rows: number[][], provider: 'cpu' | 'webgpu', options: { withProjection?: boolean; dtype?: 'float32' | 'float16' } = {}) {
  const model = buildClipTextModel(parseClipTextConfig(json), weights, options);
  return { model, out: await runModel(model, { input_ids: { type: 'int32', data: Int32Array.from(rows.flat()), dims: [rows.length, rows[0]!.length] } }, provider) };
}

describe('CLIP text encoders for SDXL match the reference', () => {
  for (const provider of PROVIDERS) {
    // 16 tokens on WebGPU (harness.ts: lavapipe's attention from 32 query tokens on); 77 on the CPU.
    const length = provider === 'webgpu' ? 16 : 77;
    test(`text_encoder_2 (CLIPTextModelWithProjection): text_embeds at the EOS, last_hidden_state, the penultimate state, ${length} tokens on ${provider}`, async () => {
      const rows = tokenRows(length);
      const { out } = await run(ENCODER_2, rows, provider, { withProjection: true });
      const expected = clipTextModelWithProjection(weights, ENCODER_2, rows);
      assertAllClose(out.text_embeds!, expected.textEmbeds, FP32_TOLERANCE[provider], `text_embeds on ${provider}`);
      assertAllClose(out.last_hidden_state!, expected.lastHiddenState, FP32_TOLERANCE[provider], `last_hidden_state on ${provider}`);
      // transformers' hidden_states[-2]: the last layer's input, not final_layer_norm'd.
      assertAllClose(out['hidden_states.2']!, expected.hiddenStates.at(-2)!, FP32_TOLERANCE[provider], `hidden_states.2 on ${provider}`);
    });
  }

  test('text_encoder (CLIPTextModel, quick_gelu): hidden_states.{L−1} beside last_hidden_state and pooler_output', async () => {
    const rows = tokenRows(20);
    const { model, out } = await run(ENCODER_1, rows, 'cpu');
    assert.deepEqual(model.graph.output.map((output) => output.name), ['last_hidden_state', 'pooler_output', 'hidden_states.4']);
    const expected = clipTextModel(weights, 'text_model', ENCODER_1, rows);
    assertAllClose(out['hidden_states.4']!, expected.hiddenStates[4]!, FP32_TOLERANCE.cpu, 'hidden_states.4');
    assertAllClose(out.pooler_output!, expected.pooledOutput, FP32_TOLERANCE.cpu, 'pooler_output');
  });

  test('a one-layer encoder\'s penultimate state is the embeddings output', async () => {
    const json = { ...ENCODER_2, num_hidden_layers: 1 };
    const rows = tokenRows(9);
    const { out } = await run(json, rows, 'cpu', { withProjection: true });
    assertAllClose(out['hidden_states.0']!, clipTextModel(weights, 'text_model', json, rows).hiddenStates[0]!, FP32_TOLERANCE.cpu, 'hidden_states.0');
  });

  test('eos_token_id other than 2: text_embeds projects the first EOS position', async () => {
    const json = { ...ENCODER_2, eos_token_id: 500, num_hidden_layers: 1 };
    const rows = [[998, 4, 500, 999, 999, 500], [998, 500, 7, 8, 999, 0]];
    const { out } = await run(json, rows, 'cpu', { withProjection: true });
    assertAllClose(out.text_embeds!, clipTextModelWithProjection(weights, json, rows).textEmbeds, FP32_TOLERANCE.cpu, 'first-EOS text_embeds');
  });

  test('output names and shapes as optimum exports CLIPTextModelWithProjection; text_projection has no bias', () => {
    const model = buildClipTextModel(parseClipTextConfig(ENCODER_2), weights, { withProjection: true });
    const io = (values: typeof model.graph.output) => values.map((v) => `${v.name}[${(v.type!.tensorType!.shape?.dim ?? []).map((d) => d.dimParam || String(d.dimValue)).join(',')}]`);
    assert.deepEqual(io(model.graph.input), ['input_ids[batch,sequence]']);
    assert.deepEqual(io(model.graph.output), ['text_embeds[batch,32]', 'last_hidden_state[batch,sequence,32]', 'hidden_states.2[batch,sequence,32]']);
    const initializers = model.graph.initializer.map((tensor) => tensor.name);
    assert.ok(initializers.includes('text_projection.weight.T'));
    assert.ok(!initializers.includes('text_projection.bias'));
  });

  for (const provider of PROVIDERS) {
    test(`float16 text_encoder_2 stays close to float32 on ${provider} (tolerance: harness.ts assertFloat16Close)`, async () => {
      const rows = tokenRows(16);
      const fp32 = (await run(ENCODER_2, rows, provider, { withProjection: true })).out;
      const fp16 = (await run(ENCODER_2, rows, provider, { withProjection: true, dtype: 'float16' })).out;
      for (const name of ['text_embeds', 'last_hidden_state', 'hidden_states.2']) assertFloat16Close(fp16[name]!, fp32[name]!, `${name} float16 on ${provider}`);
    });
  }
});
