/**
 * The VAE's UNetMidBlock2D (unet_2d_blocks.py) as AutoencoderKL's Encoder and Decoder build it:
 * resnets.0 → attentions.0 → resnets.1, GroupNorm eps 1e-6, no time embedding. The attention is
 * diffusers' Attention with one head of the full channel width (attention_head_dim =
 * in_channels), biases on q/k/v, its own group_norm, a residual connection and upcast_softmax.
 */
import type { Value } from '../../../onnx/graph-builder.js';
import { add, constantInt64, reshape, shape, transpose } from '../../../onnx/ops.js';
import { attention } from './attention.js';
import { inModule, type LayerContext } from './layer-context.js';
import { groupNorm } from './normalization.js';
import { resnetBlock2D } from './resnet-block.js';

export interface VaeMidBlockShape {
  channels: number;
  groups: number;
  eps: number;
  /** mid_block_add_attention (true for SD's VAE). */
  withAttention: boolean;
}

export function vaeMidBlock(ctx: LayerContext, x: Value, shape: VaeMidBlockShape): Value {
  const resnet = { inChannels: shape.channels, outChannels: shape.channels, groups: shape.groups, eps: shape.eps, outputScaleFactor: 1 };
  let h = inModule(ctx, 'resnets.0', () => resnetBlock2D(ctx, x, null, resnet));
  if (shape.withAttention) {
    const input = h;
    h = inModule(ctx, 'attentions.0', () => vaeAttention(ctx, input, shape));
  }
  const attended = h;
  return inModule(ctx, 'resnets.1', () => resnetBlock2D(ctx, attended, null, resnet));
}

/** Single-head spatial self-attention over the H·W positions, with a residual connection. */
export function vaeAttention(ctx: LayerContext, x: Value, s: Pick<VaeMidBlockShape, 'channels' | 'groups' | 'eps'>): Value {
  const { g } = ctx;
  // diffusers normalises the [B, C, H·W] view; GroupNorm over [B, C, H, W] is the same statistics.
  const normed = inModule(ctx, 'group_norm', () => groupNorm(ctx, x, s.channels, s.groups, s.eps));
  const tokens = reshape(g, transpose(g, normed, { perm: [0, 2, 3, 1] }), constantInt64(g, [0, -1, s.channels]));
  const attended = attention(ctx, tokens, null, {
    queryDim: s.channels,
    keyValueDim: s.channels,
    heads: 1,
    headDim: s.channels,
    projectionBias: true,
    upcast: true,
  });
  const image = reshape(g, transpose(g, attended, { perm: [0, 2, 1] }), shape(g, x));
  return add(g, image, x);
}
