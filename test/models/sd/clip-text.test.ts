import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildClipTextModel } from '../../../app/models/sd/clip-text.js';
import { parseClipTextConfig, type ClipTextConfigJson } from '../../../app/models/sd/clip-text-config.js';
import { tinyPipelineConfigs } from '../../../app/models/sd/presets.js';
import { clipTextModel, type ClipTextConfig } from '../../reference/clip-text-model.js';
import { assertAllClose } from '../../reference/compare.js';
import { FP32_TOLERANCE, PROVIDERS, VariedNormWeights, assertFloat16Close, runModel } from './harness.js';

const weights = new VariedNormWeights(111);
const TINY = tinyPipelineConfigs(1000).textEncoder;

/** Rows shaped like tokenizer output: BOS, words, EOS (the largest id, 999 here), then padding. */
function tokenRows(length: number): number[][] {
  const row = (words: number[], pad: number) => [998, ...words, 999, ...new Array<number>(length - words.length - 2).fill(pad)];
  return [row([5, 17, 400, 3], 999), row([250, 7], 0)];
}

function asReferenceConfig(json: ClipTextConfigJson): ClipTextConfig {
  return json as ClipTextConfig;
}

async function run(json: ClipTextConfigJson, rows: number[][], provider: 'cpu' | 'webgpu', idsType: 'int32' | 'int64' = 'int32', dtype: 'float32' | 'float16' = 'float32') {
  const model = buildClipTextModel(parseClipTextConfig(json), weights, { inputIdsType: idsType, dtype });
  const flat = rows.flat();
  const data = idsType === 'int32' ? Int32Array.from(flat) : BigInt64Array.from(flat, (id) => BigInt(id));
  return runModel(model, { input_ids: { type: idsType, data, dims: [rows.length, rows[0]!.length] } }, provider);
}

describe('CLIPTextModel graph matches the reference', () => {
  for (const provider of PROVIDERS) {
    // 16 tokens on WebGPU: lavapipe's attention is wrong from 32 query tokens on (harness.ts); 77 on the CPU.
    const length = provider === 'webgpu' ? 16 : 77;
    test(`tiny SD1-style encoder (5 layers, quick_gelu), ${length} tokens, on ${provider}`, async () => {
      const rows = tokenRows(length);
      const out = await run(TINY, rows, provider);
      const expected = clipTextModel(weights, 'text_model', asReferenceConfig(TINY), rows);
      assertAllClose(out.last_hidden_state!, expected.lastHiddenState, FP32_TOLERANCE[provider], `last_hidden_state on ${provider}`);
      assertAllClose(out.pooler_output!, expected.pooledOutput, FP32_TOLERANCE[provider], `pooler_output on ${provider}`);
    });
  }

  test('SD2-style gelu encoder with int64 input_ids', async () => {
    const json: ClipTextConfigJson = { ...TINY, hidden_act: 'gelu', num_hidden_layers: 2 };
    const rows = tokenRows(20);
    const out = await run(json, rows, 'cpu', 'int64');
    const expected = clipTextModel(weights, 'text_model', asReferenceConfig(json), rows);
    assertAllClose(out.last_hidden_state!, expected.lastHiddenState, FP32_TOLERANCE.cpu, 'last_hidden_state');
    assertAllClose(out.pooler_output!, expected.pooledOutput, FP32_TOLERANCE.cpu, 'pooler_output');
  });

  test('eos_token_id other than 2 pools at the first EOS, not at the largest id', async () => {
    // EOS = 500 while id 999 appears later: argmax pooling would pick 999's position.
    const json: ClipTextConfigJson = { ...TINY, eos_token_id: 500, num_hidden_layers: 1 };
    const rows = [[998, 4, 500, 999, 999, 500], [998, 500, 7, 8, 999, 0]];
    const out = await run(json, rows, 'cpu');
    const expected = clipTextModel(weights, 'text_model', asReferenceConfig(json), rows);
    assertAllClose(out.pooler_output!, expected.pooledOutput, FP32_TOLERANCE.cpu, 'first-EOS pooling');
    const hidden = 32;
    assert.deepEqual([...out.pooler_output!.data.subarray(0, hidden)], [...out.last_hidden_state!.data.subarray(2 * hidden, 3 * hidden)]);
  });

  for (const provider of PROVIDERS) {
    test(`float16 variant stays close to float32 on ${provider} (tolerance: harness.ts assertFloat16Close)`, async () => {
      const rows = tokenRows(16);
      const fp32 = await run(TINY, rows, provider);
      const fp16 = await run(TINY, rows, provider, 'int32', 'float16');
      assertFloat16Close(fp16.last_hidden_state!, fp32.last_hidden_state!, `last_hidden_state float16 on ${provider}`);
      assertFloat16Close(fp16.pooler_output!, fp32.pooler_output!, `pooler_output float16 on ${provider}`);
    });
  }
});
