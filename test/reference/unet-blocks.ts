/**
 * diffusers unet_2d_blocks.py, the blocks of Stable Diffusion 1.x/2.x UNets: CrossAttnDownBlock2D /
 * DownBlock2D, UNetMidBlock2DCrossAttn, CrossAttnUpBlock2D / UpBlock2D. Every resnet gets the
 * time embedding; every transformer the encoder hidden states.
 */
import { NdArray } from './ndarray.js';
import { scoped, type ParamSource } from './params.js';
import { downsample2D, resnetBlock2D, upsample2D } from './resnet-block.js';
import { concat } from './tensor-layout.js';
import { transformer2DModel } from './transformer.js';

export type DownBlockType = 'CrossAttnDownBlock2D' | 'DownBlock2D';
export type UpBlockType = 'CrossAttnUpBlock2D' | 'UpBlock2D';

/** What one block needs besides its inputs; shared by down, mid and up blocks. */
export interface UNetBlockConfig {
  outChannels: number;
  /** Resnets in the block (layers_per_block; up blocks have one more). */
  layers: number;
  /** Whether a Transformer2DModel follows each resnet. */
  hasAttention: boolean;
  heads: number;
  transformerLayers: number;
  groups: number;
  eps: number;
  useLinearProjection: boolean;
}

export interface BlockContext {
  /** The time embedding [B, time_embed_dim]. */
  temb: NdArray;
  /** encoder_hidden_states [B, S, cross_attention_dim]. */
  encoderHiddenStates: NdArray;
}

/**
 * Resnet (+ transformer) per layer, then the stride-2 downsampler unless this is the last block.
 * Returns the output and the skip connections it adds (one per layer, plus the downsampled one).
 */
export function unetDownBlock(
  params: ParamSource,
  prefix: string,
  config: UNetBlockConfig & { addDownsample: boolean },
  x: NdArray,
  context: BlockContext,
): { hidden: NdArray; skips: NdArray[] } {
  const skips: NdArray[] = [];
  let h = x;
  for (let j = 0; j < config.layers; j++) {
    h = resnetBlock2D(params, scoped(prefix, `resnets.${j}`), config, h, context.temb);
    if (config.hasAttention) h = transformer(params, scoped(prefix, `attentions.${j}`), config, h, context);
    skips.push(h);
  }
  if (config.addDownsample) {
    h = downsample2D(params, scoped(prefix, 'downsamplers.0'), { padding: 1 }, h);
    skips.push(h);
  }
  return { hidden: h, skips };
}

/** UNetMidBlock2DCrossAttn: resnets.0, then (attentions.i, resnets.i+1) — one pair in SD. */
export function unetMidBlock(params: ParamSource, prefix: string, config: UNetBlockConfig, x: NdArray, context: BlockContext): NdArray {
  let h = resnetBlock2D(params, scoped(prefix, 'resnets.0'), config, x, context.temb);
  for (let i = 0; i < config.layers; i++) {
    h = transformer(params, scoped(prefix, `attentions.${i}`), config, h, context);
    h = resnetBlock2D(params, scoped(prefix, `resnets.${i + 1}`), config, h, context.temb);
  }
  return h;
}

/**
 * Per layer: concatenate the most recent skip on channels (torch.cat([h, skip], dim=1)), resnet
 * (+ transformer); then the upsampler unless this is the last block, to `upsampleSize` (the next
 * skip's size, which the UNet passes so odd sizes line up).
 */
export function unetUpBlock(
  params: ParamSource,
  prefix: string,
  config: UNetBlockConfig & { upsampleSize?: [number, number] },
  x: NdArray,
  skips: NdArray[],
  context: BlockContext,
): NdArray {
  if (skips.length !== config.layers) throw new RangeError(`${prefix}: ${config.layers} resnets need ${config.layers} skips, got ${skips.length}`);
  const pending = [...skips];
  let h = x;
  for (let j = 0; j < config.layers; j++) {
    h = concat([h, pending.pop()!], 1);
    h = resnetBlock2D(params, scoped(prefix, `resnets.${j}`), config, h, context.temb);
    if (config.hasAttention) h = transformer(params, scoped(prefix, `attentions.${j}`), config, h, context);
  }
  return config.upsampleSize === undefined ? h : upsample2D(params, scoped(prefix, 'upsamplers.0'), h, config.upsampleSize);
}

function transformer(params: ParamSource, prefix: string, config: UNetBlockConfig, x: NdArray, context: BlockContext): NdArray {
  return transformer2DModel(
    params,
    prefix,
    { heads: config.heads, groups: config.groups, useLinearProjection: config.useLinearProjection, layers: config.transformerLayers },
    x,
    context.encoderHiddenStates,
  );
}
