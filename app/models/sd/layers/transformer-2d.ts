/**
 * diffusers' Transformer2DModel for continuous (latent image) input, as SD's cross-attention
 * blocks use it (transformers/transformer_2d.py, attention.py BasicTransformerBlock):
 *   h = GroupNorm(32, C, eps 1e-6)(x)
 *   SD1 (use_linear_projection false): h = proj_in(h) as 1×1 conv, then NCHW → [B, HW, C]
 *   SD2 (use_linear_projection true):  NCHW → [B, HW, C], then proj_in as Linear
 *   h = BasicTransformerBlock(h, text) × layers
 *   back to NCHW through proj_out the same way round; out = h + x
 */
import type { Value } from '../../../onnx/graph-builder.js';
import { add, constantInt64, mul, reshape, shape, split, transpose } from '../../../onnx/ops.js';
import { geluErf } from './activations.js';
import { attention } from './attention.js';
import { conv2d } from './conv2d.js';
import { inModule, type LayerContext } from './layer-context.js';
import { linear } from './linear.js';
import { groupNorm, layerNorm } from './normalization.js';

/** Transformer2DModel's GroupNorm eps is fixed at 1e-6 in diffusers; BasicTransformerBlock's LayerNorms use 1e-5. */
export const TRANSFORMER_GROUP_NORM_EPS = 1e-6;
export const TRANSFORMER_LAYER_NORM_EPS = 1e-5;

export interface Transformer2DShape {
  channels: number;
  heads: number;
  headDim: number;
  layers: number;
  crossAttentionDim: number;
  linearProjection: boolean;
  groups: number;
  upcastAttention: boolean;
}

export function transformer2D(ctx: LayerContext, x: Value, text: Value, t: Transformer2DShape): Value {
  const { g } = ctx;
  const c = t.channels;
  const inner = t.heads * t.headDim;
  let h = inModule(ctx, 'norm', () => groupNorm(ctx, x, c, t.groups, TRANSFORMER_GROUP_NORM_EPS));
  // [B, C, H, W] → [B, H·W, C]; [0, -1, C] keeps the batch and folds H·W whatever their values.
  const toTokens = (image: Value, channels: number) => reshape(g, transpose(g, image, { perm: [0, 2, 3, 1] }), constantInt64(g, [0, -1, channels]));
  if (t.linearProjection) {
    h = inModule(ctx, 'proj_in', () => linear(ctx, toTokens(h, c), c, inner));
  } else {
    const projected = inModule(ctx, 'proj_in', () => conv2d(ctx, h, c, inner, 1));
    h = toTokens(projected, inner);
  }
  for (let i = 0; i < t.layers; i++) {
    const tokens = h;
    h = inModule(ctx, `transformer_blocks.${i}`, () => basicTransformerBlock(ctx, tokens, text, t));
  }
  // [B, H·W, C] → [B, C, H, W]: transposing to [B, C, H·W] first lets the residual's own shape restore H and W.
  const toImage = (tokens: Value) => reshape(g, transpose(g, tokens, { perm: [0, 2, 1] }), shape(g, x));
  if (t.linearProjection) {
    const projected = inModule(ctx, 'proj_out', () => linear(ctx, h, inner, c));
    h = toImage(projected);
  } else {
    const image = toImage(h);
    h = inModule(ctx, 'proj_out', () => conv2d(ctx, image, inner, c, 1));
  }
  return add(g, h, x);
}

/** BasicTransformerBlock (norm_type "layer_norm", GEGLU feed-forward), pre-norm with residuals. */
function basicTransformerBlock(ctx: LayerContext, x: Value, text: Value, t: Transformer2DShape): Value {
  const { g } = ctx;
  const dim = t.heads * t.headDim;
  const common = { queryDim: dim, heads: t.heads, headDim: t.headDim, projectionBias: false, upcast: t.upcastAttention };
  let h = x;
  const selfInput = inModule(ctx, 'norm1', () => layerNorm(ctx, h, dim, TRANSFORMER_LAYER_NORM_EPS));
  h = add(g, inModule(ctx, 'attn1', () => attention(ctx, selfInput, null, { ...common, keyValueDim: dim })), h);
  const crossInput = inModule(ctx, 'norm2', () => layerNorm(ctx, h, dim, TRANSFORMER_LAYER_NORM_EPS));
  h = add(g, inModule(ctx, 'attn2', () => attention(ctx, crossInput, text, { ...common, keyValueDim: t.crossAttentionDim })), h);
  const ffInput = inModule(ctx, 'norm3', () => layerNorm(ctx, h, dim, TRANSFORMER_LAYER_NORM_EPS));
  return add(g, inModule(ctx, 'ff', () => gegluFeedForward(ctx, ffInput, dim)), h);
}

/**
 * FeedForward(dim, mult 4, activation "geglu"): net.0 = GEGLU (proj: Linear(dim, 2·4·dim);
 * hidden, gate = chunk(2, -1); hidden · gelu(gate)), net.1 dropout, net.2 = Linear(4·dim, dim).
 */
function gegluFeedForward(ctx: LayerContext, x: Value, dim: number): Value {
  const { g } = ctx;
  const innerDim = 4 * dim;
  const gated = inModule(ctx, 'net.0', () => {
    const projected = inModule(ctx, 'proj', () => linear(ctx, x, dim, 2 * innerDim));
    const [hidden, gate] = split(g, projected, constantInt64(g, [innerDim, innerDim]), { axis: -1, numOutputs: 2 });
    return mul(g, hidden!, geluErf(ctx, gate!));
  });
  return inModule(ctx, 'net.2', () => linear(ctx, gated, innerDim, dim));
}
