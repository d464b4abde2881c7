/**
 * diffusers attention.py / transformer_2d.py as Stable Diffusion uses them: the Attention module
 * (to_q/to_k/to_v, to_out.0), FeedForward with GEGLU, BasicTransformerBlock (norm_type
 * "layer_norm") and Transformer2DModel with continuous input — 1×1 conv proj_in/proj_out for SD1
 * (use_linear_projection=False), Linear for SD2 (True).
 */
import { geglu } from './activations.js';
import { attention } from './attention.js';
import { conv2d } from './convolution.js';
import { linear } from './linear.js';
import { NdArray } from './ndarray.js';
import { groupNorm, layerNorm } from './normalization.js';
import { param, scoped, type ParamSource } from './params.js';
import { add, nchwToTokens, tokensToNchw } from './tensor-layout.js';

/** BasicTransformerBlock's LayerNorms: norm_eps default 1e-5. */
export const TRANSFORMER_LAYER_NORM_EPS = 1e-5;
/** Transformer2DModel's GroupNorm: eps=1e-6 hard-coded in diffusers. */
export const TRANSFORMER_GROUP_NORM_EPS = 1e-6;

export interface AttentionModuleConfig {
  heads: number;
  /** Biases on to_q/to_k/to_v: False in the UNet's transformer blocks (attention_bias), True in the VAE. */
  qkvBias: boolean;
}

/**
 * diffusers Attention with AttnProcessor, tokens in and out: to_out.0(attention(to_q(x),
 * to_k(ctx), to_v(ctx))) with ctx = context ?? x, dim_head = inner/heads, scale dim_head^−0.5.
 */
export function attentionModule(params: ParamSource, prefix: string, config: AttentionModuleConfig, x: NdArray, context?: NdArray): NdArray {
  const queryDim = x.shape[2]!;
  const source = context ?? x;
  const contextDim = source.shape[2]!;
  const inner = queryDim; // SD: heads · dim_head = query_dim
  const p = (name: string, shape: number[]): NdArray => param(params, scoped(prefix, name), shape);
  const bias = (name: string): NdArray | undefined => (config.qkvBias ? p(`${name}.bias`, [inner]) : undefined);
  const q = linear(x, p('to_q.weight', [inner, queryDim]), bias('to_q'));
  const k = linear(source, p('to_k.weight', [inner, contextDim]), bias('to_k'));
  const v = linear(source, p('to_v.weight', [inner, contextDim]), bias('to_v'));
  return linear(attention(q, k, v, config.heads), p('to_out.0.weight', [queryDim, inner]), p('to_out.0.bias', [queryDim]));
}

/** FeedForward(activation_fn="geglu", mult=4): net.2(GEGLU(net.0.proj(x))), inner = 4·dim. */
export function feedForward(params: ParamSource, prefix: string, x: NdArray): NdArray {
  const dim = x.shape[x.shape.length - 1]!;
  const inner = 4 * dim;
  const p = (name: string, shape: number[]): NdArray => param(params, scoped(prefix, name), shape);
  const gated = geglu(linear(x, p('net.0.proj.weight', [2 * inner, dim]), p('net.0.proj.bias', [2 * inner])));
  return linear(gated, p('net.2.weight', [dim, inner]), p('net.2.bias', [dim]));
}

/** x += attn1(norm1(x)); x += attn2(norm2(x), context); x += ff(norm3(x)). */
export function basicTransformerBlock(params: ParamSource, prefix: string, config: { heads: number }, x: NdArray, context: NdArray): NdArray {
  const dim = x.shape[2]!;
  const norm = (name: string, input: NdArray): NdArray =>
    layerNorm(input, param(params, scoped(prefix, `${name}.weight`), [dim]), param(params, scoped(prefix, `${name}.bias`), [dim]), TRANSFORMER_LAYER_NORM_EPS);
  const attentionConfig = { heads: config.heads, qkvBias: false };
  let h = add(x, attentionModule(params, scoped(prefix, 'attn1'), attentionConfig, norm('norm1', x)));
  h = add(h, attentionModule(params, scoped(prefix, 'attn2'), attentionConfig, norm('norm2', h), context));
  return add(h, feedForward(params, scoped(prefix, 'ff'), norm('norm3', h)));
}

export interface Transformer2DConfig {
  heads: number;
  /** GroupNorm groups (norm_num_groups). */
  groups: number;
  useLinearProjection: boolean;
  /** Number of transformer_blocks (transformer_layers_per_block), 1 in SD1/SD2. */
  layers: number;
}

/**
 * residual + proj_out(blocks(proj_in(norm(x)))) with tokens [B, H·W, C] between: SD1 applies the
 * 1×1 conv proj_in before flattening and proj_out after unflattening; SD2 flattens first and
 * uses Linear layers.
 */
export function transformer2DModel(params: ParamSource, prefix: string, config: Transformer2DConfig, x: NdArray, encoderHiddenStates: NdArray): NdArray {
  const [, channels, height, width] = x.shape as [number, number, number, number];
  const p = (name: string, shape: number[]): NdArray => param(params, scoped(prefix, name), shape);
  const normed = groupNorm(x, config.groups, p('norm.weight', [channels]), p('norm.bias', [channels]), TRANSFORMER_GROUP_NORM_EPS);
  let tokens = config.useLinearProjection
    ? linear(nchwToTokens(normed), p('proj_in.weight', [channels, channels]), p('proj_in.bias', [channels]))
    : nchwToTokens(conv2d(normed, p('proj_in.weight', [channels, channels, 1, 1]), p('proj_in.bias', [channels])));
  for (let i = 0; i < config.layers; i++) {
    tokens = basicTransformerBlock(params, scoped(prefix, `transformer_blocks.${i}`), { heads: config.heads }, tokens, encoderHiddenStates);
  }
  const projected = config.useLinearProjection
    ? tokensToNchw(linear(tokens, p('proj_out.weight', [channels, channels]), p('proj_out.bias', [channels])), height, width)
    : conv2d(tokensToNchw(tokens, height, width), p('proj_out.weight', [channels, channels, 1, 1]), p('proj_out.bias', [channels]));
  return add(projected, x);
}
