/**
 * Area and mask conditioning in the guidance (conditioning-regions.ts + guidance.ts) against a naive
 * reference of ComfyUI's calc_cond_batch (test/reference/area-conditioning.ts), through a real ONNX
 * Runtime session of a probe UNet whose output depends on its crop (the crop's spatial mean) and on
 * the controls fed for the crop's size, so a wrong crop, weight, twin or feed shows.
 * Tolerance: |ours − reference| ≤ 1e-5 + 1e-5·|reference| (float32 sums in another order).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { placeConditioning } from '../../../app/diffusion/pipeline/conditioning-regions.js';
import { guidedPrediction, type GuidanceFeeds } from '../../../app/diffusion/pipeline/guidance.js';
import { UnetModel } from '../../../app/diffusion/pipeline/unet-model.js';
import type { Conditioning, ConditioningArea } from '../../../app/diffusion/pipeline/values.js';
import type { MaskBatch } from '../../../app/imaging/mask.js';
import { GraphBuilder } from '../../../app/onnx/graph-builder.js';
import { serializeModel } from '../../../app/onnx/model-io.js';
import { add, constantInt64, mul, reduceMean, reshape } from '../../../app/onnx/ops.js';
import { openSession } from '../../../app/runtime/session.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';
import { comfyGuidedPrediction, type ComfyEntry } from '../../reference/area-conditioning.js';
import { difference } from '../../reference/compare.js';
import { NdArray, randn } from '../../reference/ndarray.js';

const WIDTH = 3;
const TOLERANCE = { atol: 1e-5, rtol: 1e-5 };

/** out = sample · mean(control) + spatial mean of sample (per item and channel) + mean(context). */
async function probeUnet(): Promise<UnetModel> {
  const g = new GraphBuilder({ graphName: 'area_probe_unet' });
  const sample = g.input('sample', 'float32', ['batch', 4, 'height', 'width']);
  g.input('timestep', 'float32', ['timestep_batch']);
  const context = g.input('encoder_hidden_states', 'float32', ['batch', 'sequence', WIDTH]);
  const control = g.input('probe_control', 'float32', [1]);
  const spatialMean = reduceMean(g, sample, constantInt64(g, [2, 3]), { keepdims: 1 });
  const contextMean = reshape(g, reduceMean(g, context, constantInt64(g, [1, 2]), { keepdims: 1 }), constantInt64(g, [-1, 1, 1, 1]));
  g.output(add(g, add(g, mul(g, sample, control), spatialMean), contextMean), 'out_sample', 'float32', ['batch', 4, 'height', 'width']);
  return new UnetModel(await openSession(serializeModel(g.build()), { executionProvider: 'cpu' }), { vaeScaleFactor: 8 });
}

/** The control a crop of h×w latent pixels is fed (stands in for Attn-SF's per-size factors). */
const controlFor = (height: number, width: number) => 1 + (height * width) / 500;
const feeds = (height: number, width: number): GuidanceFeeds => ({ main: { probe_control: { type: 'float32', data: Float32Array.of(controlFor(height, width)), dims: [1] } }, base: null });

/** The probe, naively: what the reference's model function computes for one crop. */
function referenceModel(crop: NdArray, text: number): NdArray {
  const [batch, channels, h, w] = crop.shape as [number, number, number, number];
  const out = new NdArray(crop.shape, new Float32Array(crop.size));
  for (let plane = 0; plane < batch * channels; plane++) {
    let mean = 0;
    for (let p = 0; p < h * w; p++) mean += crop.data[plane * h * w + p]!;
    mean /= h * w;
    for (let p = 0; p < h * w; p++) out.data[plane * h * w + p] = crop.data[plane * h * w + p]! * controlFor(h, w) + mean + text;
  }
  return out;
}

/** One of our entries and ComfyUI's for the same node settings. */
interface Case {
  ours: Conditioning;
  comfy: ComfyEntry;
}

const text = (value: number): Conditioning => ({ prompt: `p${value}`, embeddings: new Float32Array(2 * WIDTH).fill(value), dims: [1, 2, WIDTH], pooled: null, truncation: null });
const plain = (value: number): Case => ({ ours: text(value), comfy: { text: value } });
/** ConditioningSetArea in pixels: ComfyUI stores (h//8, w//8, y//8, x//8). */
const inPixels = (value: number, area: Omit<ConditioningArea, 'unit'>, strength = 1): Case => ({
  ours: { ...text(value), area: { unit: 'pixels', ...area }, strength },
  comfy: { text: value, area: [Math.floor(area.height / 8), Math.floor(area.width / 8), Math.floor(area.y / 8), Math.floor(area.x / 8)], strength },
});
const inFractions = (value: number, area: Omit<ConditioningArea, 'unit'>, strength = 1): Case => ({
  ours: { ...text(value), area: { unit: 'fraction', ...area }, strength },
  comfy: { text: value, area: ['percentage', area.height, area.width, area.y, area.x], strength },
});
const masked = (base: Case, mask: MaskBatch, maskStrength: number, bounds: boolean): Case => ({
  ours: { ...base.ours, mask: { mask, strength: maskStrength, setAreaToBounds: bounds } },
  comfy: { ...base.comfy, mask: new NdArray([mask.batch, mask.height, mask.width], mask.values), mask_strength: maskStrength, set_area_to_bounds: bounds },
});

function maskFrom(batch: number, height: number, width: number, value: (b: number, y: number, x: number) => number): MaskBatch {
  const values = new Float32Array(batch * height * width);
  for (let b = 0; b < batch; b++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) values[(b * height + y) * width + x] = value(b, y, x);
  return { batch, height, width, values };
}

describe('area and mask conditioning against ComfyUI\'s calc_cond_batch (naive reference)', () => {
  let unet: UnetModel;
  before(async () => {
    unet = await probeUnet();
  });

  async function compare(positive: Case[], negative: Case[], options: { batch?: number; size?: number; scale?: number } = {}): Promise<void> {
    const { batch = 1, size = 24, scale = 5 } = options;
    const dims = [batch, 4, size, size] as const;
    const x = randn([...dims], 7 + batch + size);
    const placed = placeConditioning(positive.map((c) => c.ours), negative.map((c) => c.ours), { dims, vaeScaleFactor: 8 });
    const ours = await guidedPrediction({ unet, sample: x.data, dims, timestep: 500, positive: placed.positive, negative: placed.negative, scale, controls: feeds(size, size).main, cropControls: feeds });
    const expected = comfyGuidedPrediction(positive.map((c) => c.comfy), negative.map((c) => c.comfy), x, scale, referenceModel);
    const diff = difference(ours, expected.data, TOLERANCE);
    assert.ok(diff.withinTolerance, `worst at ${diff.worstIndex}: ${diff.worstActual} vs ${diff.worstExpected} (max |Δ| ${diff.maxAbs})`);
  }

  test('two overlapping pixel areas over a whole-image prompt, with strengths: crops, feathered borders, twins on the negative side', async () => {
    await compare([plain(0.5), inPixels(1, { width: 96, height: 128, x: 0, y: 16 }, 1.5), inPixels(-1, { width: 104, height: 96, x: 88, y: 64 }, 0.8)], [plain(-0.25)]);
  });

  test('areas alone leave uncovered pixels at zero; an area running past the edge is clipped', async () => {
    await compare([inPixels(1, { width: 80, height: 64, x: 8, y: 8 }), inPixels(2, { width: 160, height: 160, x: 120, y: 136 })], [plain(0)]);
  });

  test('percentage areas round as Python does (0.55·24 → 13, 0.5·24 → 12) and keep at least one pixel', async () => {
    await compare([inFractions(1, { width: 0.55, height: 1, x: 0, y: 0 }), inFractions(2, { width: 0.5, height: 0.01, x: 0.5, y: 0.3 }), plain(0.1)], [plain(-0.5)]);
  });

  test('a placed negative entry gets a positive twin from the smallest positive area that contains it', async () => {
    await compare([plain(0.5), inPixels(1, { width: 160, height: 160, x: 0, y: 0 }), inPixels(3, { width: 120, height: 120, x: 0, y: 0 })], [plain(0), inPixels(-2, { width: 64, height: 64, x: 16, y: 24 })]);
  });

  test('a soft mask, resized bilinearly to the latent, times mask strength and strength (no feathering)', async () => {
    const mask = maskFrom(1, 16, 16, (_, y, x) => Math.max(0, 1 - Math.hypot(y - 6, x - 9) / 8));
    await compare([plain(0.5), masked(inPixels(2, { width: 192, height: 192, x: 0, y: 0 }, 1.5), mask, 0.7, false)], [plain(-0.5)]);
    await compare([plain(0.5), masked(plain(2), mask, 0.7, false)], [plain(-0.5)]);
  });

  test('"mask bounds" evaluates the box around the mask (at least 8×8; an empty mask 8×8 at the corner)', async () => {
    const blob = maskFrom(1, 24, 24, (_, y, x) => (y >= 10 && y < 13 && x >= 4 && x < 19 ? 1 : 0));
    await compare([plain(0.5), masked(plain(2), blob, 1, true)], [plain(-0.5)]);
    await compare([plain(0.5), masked(plain(2), maskFrom(1, 24, 24, () => 0), 1, true)], [plain(-0.5)]);
  });

  test('a batch of two latents: one mask for both, or one each', async () => {
    const one = maskFrom(1, 16, 16, (_, y, x) => (x > y ? 1 : 0.25));
    const each = maskFrom(2, 24, 24, (b, y, x) => (b === 0 ? (x < 12 ? 1 : 0) : y / 23));
    await compare([plain(0.5), masked(plain(2), one, 1, false), inPixels(1, { width: 64, height: 96, x: 64, y: 32 })], [plain(-0.5)], { batch: 2 });
    await compare([plain(0.5), masked(plain(2), each, 0.5, false)], [plain(-0.5), masked(plain(1), each, 1, true)], { batch: 2 });
  });

  test('guidance scale 1 predicts the positive side alone', async () => {
    await compare([plain(0.5), inPixels(1, { width: 96, height: 96, x: 48, y: 48 })], [plain(-0.5)], { scale: 1 });
  });
});

describe('placing entries on a latent', () => {
  const dims = [1, 4, 24, 24] as const;

  test('a twin keeps its placement and timestep range and takes the other side\'s text', () => {
    const area: ConditioningArea = { unit: 'pixels', width: 64, height: 64, x: 8, y: 8 };
    const placed = placeConditioning([{ ...text(1), area, strength: 2, timestepRange: { start: 0, end: 0.5 } }], [{ ...text(-1), timestepRange: { start: 0.2, end: 1 } }], { dims, vaeScaleFactor: 8 });
    const twin = placed.negative[1]!;
    assert.equal(placed.negative.length, 2);
    assert.equal(twin.prompt, 'p-1');
    assert.deepEqual(twin.timestepRange, { start: 0, end: 0.5 });
    assert.deepEqual([twin.region!.top, twin.region!.left, twin.region!.height, twin.region!.width], [1, 1, 8, 8]);
    assert.equal(twin.region!.weights[0], 2 * (1 / 2) * (1 / 2), 'corner: strength × both ramps (rr = 8/4 = 2)');
  });

  test('a pixel area is divided by the model\'s VAE factor: a pixel-space model takes it as latent pixels', () => {
    const area: ConditioningArea = { unit: 'pixels', width: 12, height: 8, x: 4, y: 0 };
    const { positive } = placeConditioning([{ ...text(1), area }], [text(0)], { dims, vaeScaleFactor: 1 });
    assert.deepEqual([positive[0]!.region!.top, positive[0]!.region!.left, positive[0]!.region!.height, positive[0]!.region!.width], [0, 4, 8, 12]);
  });

  test('an area that starts outside the image is refused, naming where it starts', () => {
    const area: ConditioningArea = { unit: 'pixels', width: 64, height: 64, x: 192, y: 0 };
    assert.throws(() => placeConditioning([{ ...text(1), area }], [text(0)], { dims, vaeScaleFactor: 8 }), (error: unknown) => error instanceof UserFacingError && /x 192, y 0 pixels, outside the 192×192 image/.test(error.message));
  });

  test('entries without area, mask or strength stay unplaced (the plain mean)', () => {
    const { positive, negative } = placeConditioning([text(1), { ...text(2), strength: 1 }], [text(0)], { dims, vaeScaleFactor: 8 });
    assert.ok([...positive, ...negative].every((entry) => entry.region === undefined));
  });
});
