/**
 * Classifier-free guidance: ε = ε_u + w·(ε_c − ε_u), with the unconditional and conditional halves
 * computed in ONE batched UNet call ([x, x] against [uncond, cond]) as diffusers does. At w = 1 the
 * unconditional half cannot change the result, so it is skipped.
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
  positive: Conditioning;
  negative: Conditioning;
  scale: number;
  /** Extra UNet inputs of the guided pass (ScaleCrafter controls, FreeU…). */
  controls?: Record<string, HostTensor>;
  /**
   * Noise-damped CFG (docs/scalecrafter-method.md §2): the controls of a third, milder pass on the unconditional
   * input whose output replaces ε_u as the base: ε = ε_base + w·(ε_c − ε_u).
   */
  baseControls?: Record<string, HostTensor> | null;
}

export async function guidedPrediction(call: GuidedCall): Promise<Float32Array> {
  const [batch, channels, height, width] = call.dims;
  const controls = call.controls ?? {};
  // SDXL's text_embeds/time_ids follow the context's rows; none for an SD UNet.
  const added = (conditionings: Conditioning[], repeat: number) => call.unet.addedConditionFeeds(conditionings, repeat, call.dims, call.positive.size);
  const base = call.baseControls
    ? await call.unet.predict(call.sample, call.dims, call.timestep, repeatContext(call.negative, batch), contextDims(call.negative, batch), { ...call.baseControls, ...added([call.negative], batch) })
    : null;
  if (call.scale === 1 && !base) {
    return call.unet.predict(call.sample, call.dims, call.timestep, repeatContext(call.positive, batch), contextDims(call.positive, batch), { ...controls, ...added([call.positive], batch) });
  }
  const doubled = new Float32Array(call.sample.length * 2);
  doubled.set(call.sample, 0);
  doubled.set(call.sample, call.sample.length);
  const context = concatContexts(repeatContext(call.negative, batch), repeatContext(call.positive, batch));
  const output = await call.unet.predict(doubled, [batch * 2, channels, height, width], call.timestep, context, contextDims(call.positive, batch * 2), { ...controls, ...added([call.negative, call.positive], batch) });
  return combineGuidance(output.subarray(0, call.sample.length), output.subarray(call.sample.length), call.scale, base ?? undefined);
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

export function contextDims(conditioning: Conditioning, batch: number): [number, number, number] {
  return [batch, conditioning.dims[1], conditioning.dims[2]];
}

function concatContexts(first: Float32Array, second: Float32Array): Float32Array {
  const joined = new Float32Array(first.length + second.length);
  joined.set(first, 0);
  joined.set(second, first.length);
  return joined;
}
