/**
 * diffusers resnet.py: ResnetBlock2D (time_embedding_norm "default", output_scale_factor 1, SiLU),
 * Downsample2D and Upsample2D with convolutions — the configurations Stable Diffusion's UNet and
 * VAE use.
 */
import { silu } from './activations.js';
import { conv2d, pad2d } from './convolution.js';
import { linear } from './linear.js';
import { NdArray, zeros } from './ndarray.js';
import { groupNorm } from './normalization.js';
import { param, scoped, type ParamSource } from './params.js';
import { upsampleNearest } from './resampling.js';
import { add } from './tensor-layout.js';

export interface ResnetBlockConfig {
  /** Output channels; the input's channel count when omitted. */
  outChannels?: number;
  /** GroupNorm groups for norm1 and norm2 (resnet_groups). */
  groups: number;
  /** GroupNorm eps (resnet_eps: norm_eps 1e-5 in the UNet, 1e-6 in the VAE). */
  eps: number;
}

/**
 * h = conv1(silu(norm1(x))); h += time_emb_proj(silu(temb))[:, :, None, None] when temb is given;
 * h = conv2(silu(norm2(h))) (dropout is identity at inference); out = shortcut(x) + h, where
 * shortcut is the 1×1 conv_shortcut when channels change (use_in_shortcut), else identity.
 */
export function resnetBlock2D(params: ParamSource, prefix: string, config: ResnetBlockConfig, x: NdArray, temb?: NdArray): NdArray {
  const inChannels = x.shape[1]!;
  const outChannels = config.outChannels ?? inChannels;
  const p = (name: string, shape: number[]): NdArray => param(params, scoped(prefix, name), shape);

  let h = silu(groupNorm(x, config.groups, p('norm1.weight', [inChannels]), p('norm1.bias', [inChannels]), config.eps));
  h = conv2d(h, p('conv1.weight', [outChannels, inChannels, 3, 3]), p('conv1.bias', [outChannels]), { padding: 1 });
  if (temb !== undefined) {
    const tembChannels = temb.shape[1]!;
    const projected = linear(silu(temb), p('time_emb_proj.weight', [outChannels, tembChannels]), p('time_emb_proj.bias', [outChannels]));
    h = addPerChannel(h, projected);
  }
  h = silu(groupNorm(h, config.groups, p('norm2.weight', [outChannels]), p('norm2.bias', [outChannels]), config.eps));
  h = conv2d(h, p('conv2.weight', [outChannels, outChannels, 3, 3]), p('conv2.bias', [outChannels]), { padding: 1 });
  const shortcut =
    inChannels === outChannels ? x : conv2d(x, p('conv_shortcut.weight', [outChannels, inChannels, 1, 1]), p('conv_shortcut.bias', [outChannels]));
  return add(shortcut, h);
}

/**
 * Downsample2D(use_conv=True): a 3×3 stride-2 conv named `conv`. padding 1 in the UNet
 * (downsample_padding=1); the VAE encoder uses padding 0, where diffusers first pads
 * right and bottom by one: F.pad(x, (0, 1, 0, 1)).
 */
export function downsample2D(params: ParamSource, prefix: string, config: { padding: 0 | 1 }, x: NdArray): NdArray {
  const channels = x.shape[1]!;
  const input = config.padding === 0 ? pad2d(x, { left: 0, right: 1, top: 0, bottom: 1 }) : x;
  return conv2d(
    input,
    param(params, scoped(prefix, 'conv.weight'), [channels, channels, 3, 3]),
    param(params, scoped(prefix, 'conv.bias'), [channels]),
    { stride: 2, padding: config.padding },
  );
}

/**
 * Upsample2D(use_conv=True): F.interpolate(mode="nearest") to twice the size, or to `outputSize`
 * when the UNet passes one (odd skip sizes), then a 3×3 conv named `conv`.
 */
export function upsample2D(params: ParamSource, prefix: string, x: NdArray, outputSize?: [number, number]): NdArray {
  const channels = x.shape[1]!;
  const [outH, outW] = outputSize ?? [x.shape[2]! * 2, x.shape[3]! * 2];
  return conv2d(
    upsampleNearest(x, outH, outW),
    param(params, scoped(prefix, 'conv.weight'), [channels, channels, 3, 3]),
    param(params, scoped(prefix, 'conv.bias'), [channels]),
    { padding: 1 },
  );
}

/** x [B, C, H, W] + v [B, C] broadcast over H, W. */
function addPerChannel(x: NdArray, v: NdArray): NdArray {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const out = zeros(x.shape);
  const spatial = height * width;
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      const value = v.data[b * channels + c]!;
      for (let s = 0; s < spatial; s++) {
        const i = (b * channels + c) * spatial + s;
        out.data[i] = x.data[i]! + value;
      }
    }
  }
  return out;
}
