/**
 * The UNet's time conditioning (diffusers embeddings.py):
 *   time_proj = Timesteps(C, flip_sin_to_cos, freq_shift): get_timestep_embedding —
 *     half = C/2, freq_i = exp(−ln(10000) · i / (half − freq_shift)), arg = t · freq,
 *     emb = [sin(arg), cos(arg)], swapped to [cos, sin] when flip_sin_to_cos.
 *   time_embedding = TimestepEmbedding: linear_1 (C → 4C), SiLU, linear_2 (4C → 4C).
 * The sinusoid is computed in float32 whatever the graph's float type, as diffusers does
 * ("Timesteps does not contain any weights and will always return f32 tensors"), then cast.
 */
import type { Value } from '../../../onnx/graph-builder.js';
import { cast, concat, constant, constantInt64, cos, expand, mul, shape, sin, unsqueeze } from '../../../onnx/ops.js';
import { silu } from './activations.js';
import { inModule, type LayerContext } from './layer-context.js';
import { linear } from './linear.js';

export interface TimestepEmbeddingShape {
  /** Sinusoid width (block_out_channels[0]). */
  channels: number;
  /** MLP width (4 × channels in SD). */
  embeddingDim: number;
  flipSinToCos: boolean;
  freqShift: number;
}

/** The frequencies exp(−ln(10000)·i/(half − shift)), each step rounded to float32 as torch computes them. */
export function timestepFrequencies(channels: number, freqShift: number): Float32Array {
  const half = Math.floor(channels / 2);
  const frequencies = new Float32Array(half);
  const logMaxPeriod = Math.fround(Math.log(10000));
  for (let i = 0; i < half; i++) {
    const exponent = Math.fround(Math.fround(-logMaxPeriod * i) / Math.fround(half - freqShift));
    frequencies[i] = Math.exp(exponent);
  }
  return frequencies;
}

/**
 * `timestep` is float32 [T] with T = batch or 1 (broadcast to the batch of `sample`, as
 * diffusers' `timesteps.expand(sample.shape[0])`). Returns the embedding [B, embeddingDim].
 */
export function timestepEmbedding(ctx: LayerContext, timestep: Value, sample: Value, t: TimestepEmbeddingShape): Value {
  const { g } = ctx;
  if (t.channels % 2 !== 0) throw new RangeError(`timestep embedding width ${t.channels} must be even`);
  const sinusoid = inModule(ctx, 'time_proj', () => {
    const batched = expand(g, timestep, shape(g, sample, { start: 0, end: 1 }));
    const frequencies = constant(g, 'float32', [1, t.channels / 2], timestepFrequencies(t.channels, t.freqShift));
    const args = mul(g, unsqueeze(g, batched, constantInt64(g, [1])), frequencies);
    const halves = t.flipSinToCos ? [cos(g, args), sin(g, args)] : [sin(g, args), cos(g, args)];
    return concat(g, halves, { axis: 1 });
  });
  const typed = ctx.dtype === 'float32' ? sinusoid : cast(g, sinusoid, { to: ctx.dtype });
  return inModule(ctx, 'time_embedding', () => {
    const hidden = inModule(ctx, 'linear_1', () => linear(ctx, typed, t.channels, t.embeddingDim));
    return inModule(ctx, 'linear_2', () => linear(ctx, silu(ctx, hidden), t.embeddingDim, t.embeddingDim));
  });
}
