/**
 * Classifier-free guidance: ε = ε_u + w·(ε_c − ε_u), with the unconditional and conditional passes
 * computed in ONE batched UNet call ([x, x] against [uncond, cond]) as diffusers does. At w = 1 the
 * unconditional half cannot change the result, so it is skipped.
 *
 * Each side is a list of conditioning entries (ComfyUI's CONDITIONING; ConditioningCombine joins
 * lists): a side's prediction is the mean of its entries' predictions, as ComfyUI's calc_cond_batch
 * averages entries without areas or masks, and a side with no entry active at this step predicts
 * zeros, as there. Every entry of both sides runs in the same call where their token counts agree
 * (ConditioningConcat makes longer contexts: those go in a call of their own).
 */
import type { HostTensor } from '../../runtime/host-tensor.js';
import type { UnetModel } from './unet-model.js';
import type { Conditioning } from './values.js';

export interface GuidedCall {
  unet: UnetModel;
  /** The scaled model input [B,C,h,w]. */
  sample: Float32Array;
  dims: readonly [number, number, number, number];
  timestep: number;
  /** The entries active at this step (conditioning-schedule.ts). */
  positive: readonly Conditioning[];
  negative: readonly Conditioning[];
  scale: number;
  /** Extra UNet inputs of the guided pass (ScaleCrafter controls, FreeU…). */
  controls?: Record<string, HostTensor>;
  /**
   * Noise-damped CFG (docs/scalecrafter-method.md §2): the controls of a third, milder pass on the unconditional
   * input whose output replaces ε_u as the base: ε = ε_base + w·(ε_c − ε_u).
   */
  baseControls?: Record<string, HostTensor> | null;
}

type Side = 'negative' | 'positive' | 'base';

interface Row {
  readonly side: Side;
  readonly conditioning: Conditioning;
}

export async function guidedPrediction(call: GuidedCall): Promise<Float32Array> {
  const entries = (side: Side, list: readonly Conditioning[]): Row[] => list.map((conditioning) => ({ side, conditioning }));
  const unguided = call.scale === 1 && !call.baseControls;
  const mainRows = [...(unguided ? [] : entries('negative', call.negative)), ...entries('positive', call.positive)];
  const baseRows = call.baseControls ? entries('base', call.negative) : [];
  const sums = { negative: sideSum(call), positive: sideSum(call), base: sideSum(call) };
  for (const [rows, controls] of [[mainRows, call.controls ?? {}], [baseRows, call.baseControls ?? {}]] as const) {
    for (const group of byTokenCount(rows)) {
      const outputs = await predictRows(call, group, controls);
      group.forEach((row, index) => addInto(sums[row.side], outputs.subarray(index * call.sample.length, (index + 1) * call.sample.length)));
    }
  }
  const conditional = mean(sums.positive, call.positive.length);
  if (unguided) return conditional;
  const unconditional = mean(sums.negative, call.negative.length);
  return combineGuidance(unconditional, conditional, call.scale, call.baseControls ? mean(sums.base, call.negative.length) : unconditional);
}

const sideSum = (call: GuidedCall) => new Float32Array(call.sample.length);

/** Rows whose contexts have the same token count can share a batch; order within a group is kept. */
function byTokenCount(rows: readonly Row[]): Row[][] {
  const groups = new Map<number, Row[]>();
  for (const row of rows) {
    const tokens = row.conditioning.dims[1];
    groups.set(tokens, [...(groups.get(tokens) ?? []), row]);
  }
  return [...groups.values()];
}

/** One UNet call: the sample repeated per row, each row's context repeated per batch item. */
async function predictRows(call: GuidedCall, rows: readonly Row[], controls: Record<string, HostTensor>): Promise<Float32Array> {
  const [batch, channels, height, width] = call.dims;
  const conditionings = rows.map((row) => row.conditioning);
  const sample = new Float32Array(call.sample.length * rows.length);
  conditionings.forEach((_, index) => sample.set(call.sample, index * call.sample.length));
  const context = new Float32Array(conditionings.reduce((total, conditioning) => total + conditioning.embeddings.length * batch, 0));
  let offset = 0;
  for (const conditioning of conditionings) {
    const part = repeatContext(conditioning, batch);
    context.set(part, offset);
    offset += part.length;
  }
  const [first] = conditionings as [Conditioning];
  // SDXL's text_embeds/time_ids follow the context's rows; none for an SD UNet.
  const added = call.unet.addedConditionFeeds(conditionings, batch, call.dims, call.positive[0]?.size);
  return call.unet.predict(sample, [batch * rows.length, channels, height, width], call.timestep, context, [batch * rows.length, first.dims[1], first.dims[2]], { ...controls, ...added });
}

function addInto(sum: Float32Array, values: Float32Array): void {
  for (let i = 0; i < sum.length; i++) sum[i]! += values[i]!;
}

/** A side's mean; a side with no active entry stays zeros (ComfyUI divides by its 1e-37 floor). */
function mean(sum: Float32Array, count: number): Float32Array {
  if (count <= 1) return sum;
  return sum.map((value) => value / count);
}

export function combineGuidance(unconditional: Float32Array, conditional: Float32Array, scale: number, base: Float32Array = unconditional): Float32Array {
  const result = new Float32Array(conditional.length);
  for (let i = 0; i < result.length; i++) result[i] = base[i]! + scale * (conditional[i]! - unconditional[i]!);
  return result;
}

export function repeatContext(conditioning: Conditioning, batch: number): Float32Array {
  if (batch === 1) return conditioning.embeddings;
  const repeated = new Float32Array(conditioning.embeddings.length * batch);
  for (let b = 0; b < batch; b++) repeated.set(conditioning.embeddings, b * conditioning.embeddings.length);
  return repeated;
}
