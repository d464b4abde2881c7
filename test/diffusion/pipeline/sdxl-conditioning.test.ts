/**
 * SDXL's added conditions and unconditional rule (sdxl-added-conditions.ts, UnetModel) against the
 * published formulas: diffusers' StableDiffusionXLPipeline._get_add_time_ids
 * (original_size + crops_coords_top_left + target_size) and force_zeros_for_empty_prompt.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { placeConditioning } from '../../../app/diffusion/pipeline/conditioning-regions.js';
import { guidedPrediction } from '../../../app/diffusion/pipeline/guidance.js';
import { addedConditionRows, imageSizeConditioning, timeIds, unconditionalConditioning } from '../../../app/diffusion/pipeline/sdxl-added-conditions.js';
import { UnetModel } from '../../../app/diffusion/pipeline/unet-model.js';
import type { Conditioning, SizeConditioning } from '../../../app/diffusion/pipeline/values.js';
import type { PipelineFolder } from '../../../app/models/pipeline-folder.js';
import { GraphBuilder } from '../../../app/onnx/graph-builder.js';
import { serializeModel } from '../../../app/onnx/model-io.js';
import { add, constantInt64, constantScalar, gather, mul, reduceMean, reshape } from '../../../app/onnx/ops.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';
import { openSession } from '../../../app/runtime/session.js';

const POOLED = 2;

const conditioning = (prompt: string, value: number, size?: SizeConditioning): Conditioning => ({
  prompt,
  embeddings: new Float32Array(2 * 3).fill(value),
  dims: [1, 2, 3],
  pooled: new Float32Array(POOLED).fill(value * 10),
  truncation: null,
  ...(size ? { size } : {}),
});

/**
 * A stand-in SDXL UNet with a closed form: out = sample · 0 + mean(text_embeds row) + time_ids row[k]
 * for a chosen k, so each batch row shows the pooled embedding and time id it was given.
 */
async function probeSdxlUnet(timeIdIndex: number): Promise<UnetModel> {
  const g = new GraphBuilder({ graphName: 'probe_sdxl_unet' });
  const sample = g.input('sample', 'float32', ['batch', 4, 'height', 'width']);
  g.input('timestep', 'float32', []);
  g.input('encoder_hidden_states', 'float32', ['batch', 'sequence', 3]);
  const textEmbeds = g.input('text_embeds', 'float32', ['batch', POOLED]);
  const ids = g.input('time_ids', 'float32', ['batch', 6]);
  const pooledMean = reduceMean(g, textEmbeds, constantInt64(g, [1]), { keepdims: 1 });
  const id = gather(g, ids, constantInt64(g, [timeIdIndex]), { axis: 1 });
  const perRow = reshape(g, add(g, pooledMean, id), constantInt64(g, [-1, 1, 1, 1]));
  g.output(add(g, mul(g, sample, constantScalar(g, 'float32', 0)), perRow), 'out_sample', 'float32', ['batch', 4, 'height', 'width']);
  return new UnetModel(await openSession(serializeModel(g.build()), { executionProvider: 'cpu' }), { vaeScaleFactor: 8 });
}

const folderWith = (forceZerosForEmptyPrompt: boolean) => ({ forceZerosForEmptyPrompt }) as PipelineFolder;

describe('SDXL time_ids (diffusers _get_add_time_ids)', () => {
  test('original size, crop top-left, target size, each (height, width) / (top, left)', () => {
    assert.deepEqual(timeIds({ originalSize: [768, 1344], cropTopLeft: [16, 32], targetSize: [1024, 1536] }), [768, 1344, 16, 32, 1024, 1536]);
  });

  test('the defaults: the image size twice, crop (0, 0)', () => {
    assert.deepEqual(timeIds(imageSizeConditioning(832, 1216)), [832, 1216, 0, 0, 832, 1216]);
  });

  test('rows follow the context: each conditioning repeated per batch item, in order; a side without sizes takes the fallback', () => {
    const own = { originalSize: [1, 2], cropTopLeft: [3, 4], targetSize: [5, 6] } as const;
    const rows = addedConditionRows([conditioning('', 1), conditioning('a', 2, own)], 2, imageSizeConditioning(64, 128));
    assert.deepEqual([...rows.textEmbeds], [10, 10, 10, 10, 20, 20, 20, 20]);
    assert.deepEqual([...rows.timeIds], [64, 128, 0, 0, 64, 128, 64, 128, 0, 0, 64, 128, 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6]);
  });
});

describe('force_zeros_for_empty_prompt', () => {
  test('an empty negative prompt gives zero embeddings and a zero pooled embedding', () => {
    const zeroed = unconditionalConditioning(folderWith(true), conditioning('  ', 0.5));
    assert.ok(zeroed.embeddings.every((value) => value === 0) && zeroed.embeddings.length === 6);
    assert.ok(zeroed.pooled!.every((value) => value === 0) && zeroed.pooled!.length === POOLED);
  });

  test('a negative prompt with text, or a pipeline without the flag, keeps its encoding', () => {
    const worded = conditioning('blurry', 0.5);
    assert.equal(unconditionalConditioning(folderWith(true), worded), worded);
    const empty = conditioning('', 0.5);
    assert.equal(unconditionalConditioning(folderWith(false), empty), empty);
  });
});

describe('the added conditions through guidance', () => {
  const sample = new Float32Array(4 * 2 * 2).fill(1);
  const dims = [1, 4, 2, 2] as const;

  test('CFG batches [uncond, cond] text_embeds; the default time_ids are the image size (latent × 8)', async () => {
    const [pooledOnly, heightId] = [await probeSdxlUnet(2), await probeSdxlUnet(0)];
    const call = { sample, dims, timestep: 500, positive: [conditioning('cat', 3)], negative: [conditioning('', 1)], scale: 5 };
    // Index 2 is the crop top (0): the output is the mean pooled value of the row, 10 (uncond) and 30 (cond).
    const guided = await guidedPrediction({ ...call, unet: pooledOnly });
    assert.ok(guided.every((value) => value === 10 + 5 * (30 - 10)));
    // Index 0 is the original height: 2 latent rows × 8 = 16, the same on both sides.
    const withHeight = await guidedPrediction({ ...call, unet: heightId });
    assert.ok(withHeight.every((value) => value === 26 + 5 * (46 - 26)));
  });

  test('a negative side without sizes takes the positive side\'s (diffusers\' negative_original_size default)', async () => {
    const unet = await probeSdxlUnet(0);
    const size = { originalSize: [1000, 2000], cropTopLeft: [0, 0], targetSize: [1000, 2000] } as const;
    const guided = await guidedPrediction({ unet, sample, dims, timestep: 500, positive: [conditioning('cat', 3, size)], negative: [conditioning('', 1)], scale: 2 });
    assert.ok(guided.every((value) => value === 1010 + 2 * (1030 - 1010)));
  });

  test('an entry placed on a crop keeps the whole image\'s default time_ids, as ComfyUI encodes them once per run', async () => {
    const unet = await probeSdxlUnet(0);
    const wholeDims = [1, 4, 16, 16] as const;
    const area = { unit: 'pixels', width: 64, height: 64, x: 0, y: 0 } as const;
    const placed = placeConditioning([{ ...conditioning('cat', 3), area }], [conditioning('', 1)], { dims: wholeDims, vaeScaleFactor: 8 });
    const guided = await guidedPrediction({ unet, sample: new Float32Array(4 * 16 * 16).fill(1), dims: wholeDims, timestep: 500, positive: placed.positive, negative: placed.negative, scale: 2 });
    // At the crop's corner (weight 1 on both sides): 30 + 128 (the 16-row latent × 8), not the crop's 64; the negative's plain entry and its twin both 10 + 128.
    assert.equal(guided[0], 138 + 2 * (158 - 138));
  });

  test('the ND-CFG base pass runs on the unconditional side', async () => {
    const unet = await probeSdxlUnet(2);
    const guided = await guidedPrediction({ unet, sample, dims, timestep: 500, positive: [conditioning('cat', 3)], negative: [conditioning('', 1)], scale: 1, controls: {}, baseControls: {} });
    assert.ok(guided.every((value) => value === 10 + (30 - 10)));
  });

  test('conditioning without a pooled embedding, or of the wrong width, is refused on its field', async () => {
    const unet = await probeSdxlUnet(0);
    assert.throws(() => unet.checkConditioning('negative', { ...conditioning('x', 1), pooled: null }), (error: unknown) => error instanceof UserFacingError && error.field === 'negative' && /no pooled text embedding/.test(error.message));
    assert.throws(() => unet.checkConditioning('positive', { ...conditioning('x', 1), pooled: new Float32Array(768) }), (error: unknown) => error instanceof UserFacingError && error.field === 'positive' && /768 wide but this UNet's text_embeds takes 2/.test(error.message));
    assert.doesNotThrow(() => unet.checkConditioning('positive', conditioning('x', 1)));
  });
});
