/**
 * Classifier-free guidance: ε = ε_u + w·(ε_c − ε_u), with the unconditional and conditional passes
 * computed in ONE batched UNet call ([x, x] against [uncond, cond]) as diffusers does. At w = 1 the
 * unconditional half cannot change the result, so it is skipped.
 *
 * Each side is a list of conditioning entries (ComfyUI's CONDITIONING; ConditioningCombine joins
 * lists), as ComfyUI's calc_cond_batch weighs them: each entry is predicted on its crop of the latent
 * (the whole latent unless ConditioningSetArea/SetMask placed it: conditioning-regions.ts), and a
 * side's prediction at a pixel is Σ weight·output / Σ weight over the entries covering it — the mean
 * where no entry is placed. A pixel no active entry covers predicts zeros, as ComfyUI's sums over its
 * 1e-37 floor. Entries of both sides with the same token count and crop size share one call
 * (ConditioningConcat's longer contexts and other crops go in calls of their own).
 */
import type { HostTensor } from '../../runtime/host-tensor.js';
import type { PlacedConditioning } from './conditioning-regions.js';
import type { UnetModel } from './unet-model.js';
import type { Conditioning } from './values.js';

/** One step's extra UNet inputs: the guided pass's, and the noise-damped base pass's (null while it is off). */
export interface GuidanceFeeds {
  readonly main: Record<string, HostTensor>;
  readonly base: Record<string, HostTensor> | null;
}

export interface GuidedCall {
  unet: UnetModel;
  /** The scaled model input [B,C,h,w]. */
  sample: Float32Array;
  dims: readonly [number, number, number, number];
  timestep: number;
  /** The entries active at this step (conditioning-schedule.ts), placed on this latent (conditioning-regions.ts). */
  positive: readonly PlacedConditioning[];
  negative: readonly PlacedConditioning[];
  scale: number;
  /** Extra UNet inputs of the guided pass (ScaleCrafter controls, FreeU…). */
  controls?: Record<string, HostTensor>;
  /**
   * Noise-damped CFG (docs/scalecrafter-method.md §2): the controls of a third, milder pass on the unconditional
   * input whose output replaces ε_u as the base: ε = ε_base + w·(ε_c − ε_u).
   */
  baseControls?: Record<string, HostTensor> | null;
  /** The same step's feeds for a crop of another latent size (Attn-SF's factors follow the token count); absent: `controls` for every crop. */
  cropControls?: (height: number, width: number) => GuidanceFeeds;
}

type Side = 'negative' | 'positive' | 'base';

interface Row {
  readonly side: Side;
  readonly conditioning: PlacedConditioning;
}

/** A side's Σ weight·output [B,C,H,W] and Σ weight [B,H,W], the weights starting at ComfyUI's 1e-37. */
interface SideSum {
  readonly sum: Float32Array;
  readonly weight: Float32Array;
}

export async function guidedPrediction(call: GuidedCall): Promise<Float32Array> {
  const entries = (side: Side, list: readonly PlacedConditioning[]): Row[] => list.map((conditioning) => ({ side, conditioning }));
  const unguided = call.scale === 1 && !call.baseControls;
  const mainRows = [...(unguided ? [] : entries('negative', call.negative)), ...entries('positive', call.positive)];
  const baseRows = call.baseControls ? entries('base', call.negative) : [];
  const sums = { negative: sideSum(call), positive: sideSum(call), base: sideSum(call) };
  for (const [rows, pass] of [[mainRows, 'main'], [baseRows, 'base']] as const) {
    for (const group of byBatchShape(call, rows)) {
      const crop = cropOf(call, group[0]!.conditioning);
      const outputs = await predictRows(call, group, crop, feedsFor(call, pass, crop));
      const cropSize = outputs.length / group.length;
      group.forEach((row, index) => addWeighted(sums[row.side], call.dims, row.conditioning, outputs.subarray(index * cropSize, (index + 1) * cropSize)));
    }
  }
  const conditional = weightedMean(sums.positive, call.dims);
  if (unguided) return conditional;
  const unconditional = weightedMean(sums.negative, call.dims);
  return combineGuidance(unconditional, conditional, call.scale, call.baseControls ? weightedMean(sums.base, call.dims) : unconditional);
}

function sideSum(call: GuidedCall): SideSum {
  const [batch, , height, width] = call.dims;
  return { sum: new Float32Array(call.sample.length), weight: new Float32Array(batch * height * width).fill(1e-37) };
}

interface Crop {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

const cropOf = (call: GuidedCall, conditioning: PlacedConditioning): Crop => conditioning.region ?? { top: 0, left: 0, height: call.dims[2], width: call.dims[3] };

function feedsFor(call: GuidedCall, pass: 'main' | 'base', crop: Crop): Record<string, HostTensor> {
  const whole = crop.height === call.dims[2] && crop.width === call.dims[3];
  const feeds = !whole && call.cropControls ? call.cropControls(crop.height, crop.width) : { main: call.controls, base: call.baseControls };
  return feeds[pass] ?? {};
}

/** Rows whose contexts have the same token count and whose crops the same size can share a batch; order within a group is kept. */
function byBatchShape(call: GuidedCall, rows: readonly Row[]): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const crop = cropOf(call, row.conditioning);
    const key = `${row.conditioning.dims[1]}:${crop.height}x${crop.width}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()];
}

/** One UNet call: each row's own crop of the sample (all of `crop`'s size), each row's context repeated per batch item. */
async function predictRows(call: GuidedCall, rows: readonly Row[], crop: Crop, controls: Record<string, HostTensor>): Promise<Float32Array> {
  const [batch, channels] = call.dims;
  const conditionings = rows.map((row) => row.conditioning);
  const cropLength = batch * channels * crop.height * crop.width;
  const sample = new Float32Array(cropLength * rows.length);
  conditionings.forEach((conditioning, index) => sample.set(cropSample(call, cropOf(call, conditioning)), index * cropLength));
  const context = new Float32Array(conditionings.reduce((total, conditioning) => total + conditioning.embeddings.length * batch, 0));
  let offset = 0;
  for (const conditioning of conditionings) {
    const part = repeatContext(conditioning, batch);
    context.set(part, offset);
    offset += part.length;
  }
  const [first] = conditionings as [PlacedConditioning];
  // SDXL's text_embeds/time_ids follow the context's rows, sized for the whole image as ComfyUI encodes them once; none for an SD UNet.
  const added = call.unet.addedConditionFeeds(conditionings, batch, call.dims, call.positive[0]?.size);
  return call.unet.predict(sample, [batch * rows.length, channels, crop.height, crop.width], call.timestep, context, [batch * rows.length, first.dims[1], first.dims[2]], { ...controls, ...added });
}

function cropSample(call: GuidedCall, crop: Crop): Float32Array {
  const [batch, channels, height, width] = call.dims;
  if (crop.height === height && crop.width === width) return call.sample;
  const out = new Float32Array(batch * channels * crop.height * crop.width);
  for (let plane = 0; plane < batch * channels; plane++) {
    for (let y = 0; y < crop.height; y++) {
      const from = (plane * height + crop.top + y) * width + crop.left;
      out.set(call.sample.subarray(from, from + crop.width), (plane * crop.height + y) * crop.width);
    }
  }
  return out;
}

/** Adds weight·output over the entry's crop, and the weight once per pixel (it is the same for every channel). */
function addWeighted(side: SideSum, dims: GuidedCall['dims'], conditioning: PlacedConditioning, output: Float32Array): void {
  const [batch, channels, height, width] = dims;
  const { region } = conditioning;
  if (!region) {
    for (let i = 0; i < side.sum.length; i++) side.sum[i]! += output[i]!;
    for (let i = 0; i < side.weight.length; i++) side.weight[i]! += 1;
    return;
  }
  const plane = region.height * region.width;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < region.height; y++) {
      for (let x = 0; x < region.width; x++) {
        const weight = region.weights[b * plane + y * region.width + x]!;
        const pixel = (region.top + y) * width + region.left + x;
        side.weight[b * height * width + pixel]! += weight;
        for (let c = 0; c < channels; c++) side.sum[(b * channels + c) * height * width + pixel]! += output[(b * channels + c) * plane + y * region.width + x]! * weight;
      }
    }
  }
}

/** Σ weight·output / Σ weight per pixel: the mean of equal-weight entries, zeros where none applies. */
function weightedMean(side: SideSum, dims: GuidedCall['dims']): Float32Array {
  const [batch, channels, height, width] = dims;
  const plane = height * width;
  const result = new Float32Array(side.sum.length);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      const at = (b * channels + c) * plane;
      for (let p = 0; p < plane; p++) result[at + p] = side.sum[at + p]! / side.weight[b * plane + p]!;
    }
  }
  return result;
}

export function combineGuidance(unconditional: Float32Array, conditional: Float32Array, scale: number, base: Float32Array = unconditional): Float32Array {
  const result = new Float32Array(conditional.length);
  for (let i = 0; i < result.length; i++) result[i] = base[i]! + scale * (conditional[i]! - unconditional[i]!);
  return result;
}

export function repeatContext(conditioning: Pick<Conditioning, 'embeddings'>, batch: number): Float32Array {
  if (batch === 1) return conditioning.embeddings;
  const repeated = new Float32Array(conditioning.embeddings.length * batch);
  for (let b = 0; b < batch; b++) repeated.set(conditioning.embeddings, b * conditioning.embeddings.length);
  return repeated;
}
