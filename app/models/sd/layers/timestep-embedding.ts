/**
 * The UNet's time conditioning (diffusers embeddings.py):
 *   time_proj = Timesteps(C, flip_sin_to_cos, freq_shift): get_timestep_embedding —
 *     half = C/2, freq_i = exp(−ln(10000) · i / (half − freq_shift)), arg = t · freq,
 *     emb = [sin(arg), cos(arg)], swapped to [cos, sin] when flip_sin_to_cos.
 *   time_embedding = TimestepEmbedding: linear_1 (C → 4C), SiLU, linear_2 (4C → 4C).
 *   SDXL adds add_time_proj / add_embedding on the same pattern (addedTextTimeEmbedding).
 * The sinusoid is computed in float32 whatever the graph's float type, as diffusers does
 * ("Timesteps does not contain any weights and will always return f32 tensors"), then cast.
 */
import type { Value } from '../../../onnx/graph-builder.js';
import { cast, concat, constant, constantInt64, cos, expand, mul, reshape, shape, sin, unsqueeze } from '../../../onnx/ops.js';
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
 * Timesteps' sinusoid of every element of the float32 tensor `values` (any shape S):
 * [S, channels], halves [cos, sin] when flipSinToCos, else [sin, cos].
 */
export function sinusoid(ctx: LayerContext, values: Value, channels: number, flipSinToCos: boolean, freqShift: number): Value {
  const { g } = ctx;
  if (channels % 2 !== 0) throw new RangeError(`sinusoidal embedding width ${channels} must be even`);
  const frequencies = constant(g, 'float32', [channels / 2], timestepFrequencies(channels, freqShift));
  const args = mul(g, unsqueeze(g, values, constantInt64(g, [-1])), frequencies);
  const halves = flipSinToCos ? [cos(g, args), sin(g, args)] : [sin(g, args), cos(g, args)];
  return concat(g, halves, { axis: -1 });
}

/** TimestepEmbedding: linear_1 (in → out), SiLU, linear_2 (out → out), in the current module scope. */
function embeddingMlp(ctx: LayerContext, x: Value, inFeatures: number, outFeatures: number): Value {
  const hidden = inModule(ctx, 'linear_1', () => linear(ctx, x, inFeatures, outFeatures));
  return inModule(ctx, 'linear_2', () => linear(ctx, silu(ctx, hidden), outFeatures, outFeatures));
}

const toGraphFloat = (ctx: LayerContext, x: Value): Value => (ctx.dtype === 'float32' ? x : cast(ctx.g, x, { to: ctx.dtype }));

/**
 * `timestep` is float32 [T] with T = batch or 1 (broadcast to the batch of `sample`, as
 * diffusers' `timesteps.expand(sample.shape[0])`). Returns the embedding [B, embeddingDim].
 */
export function timestepEmbedding(ctx: LayerContext, timestep: Value, sample: Value, t: TimestepEmbeddingShape): Value {
  const { g } = ctx;
  const projected = inModule(ctx, 'time_proj', () => {
    const batched = expand(g, timestep, shape(g, sample, { start: 0, end: 1 }));
    return sinusoid(ctx, batched, t.channels, t.flipSinToCos, t.freqShift);
  });
  return inModule(ctx, 'time_embedding', () => embeddingMlp(ctx, toGraphFloat(ctx, projected), t.channels, t.embeddingDim));
}

export interface AddedTextTimeShape {
  /** addition_time_embed_dim: the sinusoid width of each time id. */
  timeEmbedDim: number;
  /** projection_class_embeddings_input_dim = pooled text width + time ids × timeEmbedDim. */
  inputDim: number;
  /** The time embedding width the result is added to. */
  embeddingDim: number;
  flipSinToCos: boolean;
  freqShift: number;
}

/**
 * SDXL's added conditioning (diffusers addition_embed_type "text_time"): each of the K time ids
 * (original size, crop offset, target size) through add_time_proj's sinusoid, flattened per
 * sample to [B, K·timeEmbedDim], appended to the pooled text embedding [B, text] and put through
 * add_embedding (a TimestepEmbedding MLP). `timeIds` is float32 [B, K]; returns [B, embeddingDim].
 */
export function addedTextTimeEmbedding(ctx: LayerContext, textEmbeds: Value, timeIds: Value, t: AddedTextTimeShape): Value {
  const { g } = ctx;
  const timeEmbeds = inModule(ctx, 'add_time_proj', () => {
    const perId = sinusoid(ctx, timeIds, t.timeEmbedDim, t.flipSinToCos, t.freqShift);
    return reshape(g, perId, constantInt64(g, [0, -1]));
  });
  const joined = concat(g, [textEmbeds, toGraphFloat(ctx, timeEmbeds)], { axis: 1 });
  return inModule(ctx, 'add_embedding', () => embeddingMlp(ctx, joined, t.inputDim, t.embeddingDim));
}
