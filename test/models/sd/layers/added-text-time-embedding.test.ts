import { describe, test } from 'node:test';
import { addedTextTimeEmbedding } from '../../../../app/models/sd/layers/timestep-embedding.js';
import type { FloatType, LayerContext } from '../../../../app/models/sd/layers/layer-context.js';
import { GraphBuilder } from '../../../../app/onnx/graph-builder.js';
import { cast } from '../../../../app/onnx/ops.js';
import { assertAllClose } from '../../../reference/compare.js';
import { NdArray, randn, zeros } from '../../../reference/ndarray.js';
import * as reference from '../../../reference/ops.js';
import { param } from '../../../reference/params.js';
import { FP32_TOLERANCE, PROVIDERS, VariedNormWeights, assertFloat16Close, feed, roundedToFloat16, runModel } from '../harness.js';

const weights = new VariedNormWeights(91);
/** SDXL's real sinusoid width (addition_time_embed_dim 256) and 6 time ids; small text and MLP widths. */
const TIME_DIM = 256;
const IDS = 6;
const TEXT_DIM = 8;
const INPUT_DIM = TEXT_DIM + IDS * TIME_DIM;
const EMBED_DIM = 32;

function addedModel(dtype: FloatType) {
  const g = new GraphBuilder({ graphName: 'added' });
  const ctx: LayerContext = { g, weights, dtype };
  const text = g.input('text_embeds', dtype, ['batch', TEXT_DIM]);
  const ids = g.input('time_ids', dtype, ['batch', IDS]);
  const ids32 = dtype === 'float32' ? ids : cast(g, ids, { to: 'float32' });
  const y = addedTextTimeEmbedding(ctx, text, ids32, { timeEmbedDim: TIME_DIM, inputDim: INPUT_DIM, embeddingDim: EMBED_DIM, flipSinToCos: true, freqShift: 0 });
  g.output(y, 'y', dtype, ['batch', EMBED_DIM]);
  return g.build();
}

/** diffusers get_aug_embed ("text_time"), written out: per-id sinusoids flattened after the text, then add_embedding. */
function expected(textEmbeds: NdArray, timeIds: number[][]): NdArray {
  const batch = timeIds.length;
  const joined = zeros([batch, INPUT_DIM]);
  timeIds.forEach((row, b) => {
    joined.data.set(textEmbeds.data.subarray(b * TEXT_DIM, (b + 1) * TEXT_DIM), b * INPUT_DIM);
    row.forEach((id, k) => joined.data.set(reference.timestepEmbedding([id], TIME_DIM, { flipSinToCos: true, shift: 0 }).data, b * INPUT_DIM + TEXT_DIM + k * TIME_DIM));
  });
  const p = (name: string, shape: number[]) => param(weights, `add_embedding.${name}`, shape);
  const hidden = reference.silu(reference.linear(joined, p('linear_1.weight', [EMBED_DIM, INPUT_DIM]), p('linear_1.bias', [EMBED_DIM])));
  return reference.linear(hidden, p('linear_2.weight', [EMBED_DIM, EMBED_DIM]), p('linear_2.bias', [EMBED_DIM]));
}

/** Original size, crop offset, target size, as SDXL pipelines pass them (values up to 4096 stress float32 angles). */
const TIME_IDS = [[1024, 1024, 0, 0, 1024, 1024], [768, 1344, 64, 32, 4096, 2048]];
const timeIdFeed = (dtype: FloatType) => feed(new NdArray([2, IDS], Float32Array.from(TIME_IDS.flat())), dtype);

describe('add_time_proj + add_embedding graph matches diffusers\' text_time embedding', () => {
  const text = randn([2, TEXT_DIM], 92);
  for (const provider of PROVIDERS) {
    test(`real 256-wide sinusoids of 6 time ids per sample on ${provider}`, async () => {
      const out = await runModel(addedModel('float32'), { text_embeds: feed(text, 'float32'), time_ids: timeIdFeed('float32') }, provider);
      assertAllClose(out.y!, expected(text, TIME_IDS), FP32_TOLERANCE[provider], `text_time embedding on ${provider}`);
    });
  }

  test('float16 graph (time ids fed as float16, sinusoid in float32) stays close to float32 (tolerance: harness.ts assertFloat16Close)', async () => {
    const rounded = roundedToFloat16(text);
    const fp32 = await runModel(addedModel('float32'), { text_embeds: feed(rounded, 'float32'), time_ids: timeIdFeed('float32') }, 'cpu');
    const fp16 = await runModel(addedModel('float16'), { text_embeds: feed(rounded, 'float16'), time_ids: timeIdFeed('float16') }, 'cpu');
    assertFloat16Close(fp16.y!, fp32.y!, 'text_time embedding float16');
  });
});
