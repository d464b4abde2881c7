/**
 * diffusers' ResnetBlock2D (resnet.py) with time_embedding_norm "default", as SD's UNet and VAE
 * use it:
 *   h = conv1(silu(norm1(x)));  h += time_emb_proj(silu(temb))[:, :, None, None]  (UNet only)
 *   h = conv2(dropout(silu(norm2(h))));  out = (shortcut(x) + h) / output_scale_factor
 * where shortcut is conv_shortcut (1×1) when the channel count changes, identity otherwise.
 */
import type { Value } from '../../../onnx/graph-builder.js';
import { add, constantInt64, div, unsqueeze } from '../../../onnx/ops.js';
import { silu } from './activations.js';
import { conv2d } from './conv2d.js';
import { floatConstant, inModule, type LayerContext } from './layer-context.js';
import { linear } from './linear.js';
import { groupNorm } from './normalization.js';

export interface ResnetBlockShape {
  inChannels: number;
  outChannels: number;
  groups: number;
  eps: number;
  outputScaleFactor: number;
}

/** `temb` is the time embedding [B, temb_channels] (UNet) or null (VAE: no time_emb_proj). */
export function resnetBlock2D(ctx: LayerContext, x: Value, temb: { value: Value; channels: number } | null, shape: ResnetBlockShape): Value {
  const { g } = ctx;
  const { inChannels, outChannels } = shape;
  let h = inModule(ctx, 'norm1', () => groupNorm(ctx, x, inChannels, shape.groups, shape.eps));
  h = silu(ctx, h);
  h = inModule(ctx, 'conv1', () => conv2d(ctx, h, inChannels, outChannels, 3));
  if (temb !== null) {
    const projected = inModule(ctx, 'time_emb_proj', () => linear(ctx, silu(ctx, temb.value), temb.channels, outChannels));
    h = add(g, h, unsqueeze(g, projected, constantInt64(g, [2, 3])));
  }
  h = inModule(ctx, 'norm2', () => groupNorm(ctx, h, outChannels, shape.groups, shape.eps));
  h = silu(ctx, h);
  h = inModule(ctx, 'conv2', () => conv2d(ctx, h, outChannels, outChannels, 3));
  const shortcut = inChannels === outChannels ? x : inModule(ctx, 'conv_shortcut', () => conv2d(ctx, x, inChannels, outChannels, 1));
  const sum = add(g, shortcut, h);
  return shape.outputScaleFactor === 1 ? sum : div(g, sum, floatConstant(ctx, [], Float32Array.of(shape.outputScaleFactor)));
}
