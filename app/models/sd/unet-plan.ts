/**
 * The module tree of a diffusers UNet2DConditionModel, resolved from its config: every resnet's
 * input/output channels (skip concatenations included), every Transformer2DModel's heads, and
 * which blocks resample. The graph builder, the parameter list and the FLOP counter all walk
 * this one plan, so they cannot disagree about the architecture.
 *
 * Channel bookkeeping follows diffusers' UNet2DConditionModel.__init__ and get_down_block /
 * get_up_block (unet_2d_condition.py, unet_2d_blocks.py). The skip tensors balance for any
 * layers_per_block: down level l pushes L_l resnet outputs and (but the last) a downsampler
 * output; up block i pops L_(n−1−i) + 1, its level's resnets and the level below's downsampler.
 */
import type { UNetConfig } from './unet-config.js';

export interface ResnetPlan {
  /** Module path relative to the UNet, e.g. "down_blocks.1.resnets.0". */
  path: string;
  inChannels: number;
  outChannels: number;
  /** Channels of the skip tensor concatenated onto the input first (up blocks only; 0 otherwise). */
  skipChannels: number;
  outputScaleFactor: number;
}

export interface TransformerPlan {
  path: string;
  channels: number;
  heads: number;
  headDim: number;
  layers: number;
  crossAttentionDim: number;
  linearProjection: boolean;
}

export interface LevelBlockPlan {
  path: string;
  resnets: ResnetPlan[];
  /** One Transformer2DModel after each resnet (cross-attention blocks); empty otherwise. */
  attentions: TransformerPlan[];
  /** Downsample2D (down blocks) or Upsample2D (up blocks) conv channels; null when the block does not resample. */
  resampleChannels: number | null;
}

export interface UNetPlan {
  config: UNetConfig;
  timeEmbeddingInputDim: number;
  timeEmbeddingDim: number;
  downBlocks: LevelBlockPlan[];
  midBlock: { path: string; resnets: [ResnetPlan, ResnetPlan]; attention: TransformerPlan };
  upBlocks: LevelBlockPlan[];
}

export function planUNet(config: UNetConfig): UNetPlan {
  const blockCount = config.blockOutChannels.length;
  const last = blockCount - 1;
  const transformer = (path: string, channels: number, level: number, layers: number): TransformerPlan => {
    const heads = config.attentionHeads[level]!;
    return {
      path,
      channels,
      heads,
      headDim: channels / heads,
      layers,
      crossAttentionDim: config.crossAttentionDim,
      linearProjection: config.useLinearProjection,
    };
  };

  const downBlocks: LevelBlockPlan[] = [];
  let outputChannels = config.blockOutChannels[0]!;
  for (let i = 0; i < blockCount; i++) {
    const inputChannels = outputChannels;
    outputChannels = config.blockOutChannels[i]!;
    const path = `down_blocks.${i}`;
    const resnets: ResnetPlan[] = [];
    const attentions: TransformerPlan[] = [];
    for (let j = 0; j < config.layersPerBlock[i]!; j++) {
      resnets.push({ path: `${path}.resnets.${j}`, inChannels: j === 0 ? inputChannels : outputChannels, outChannels: outputChannels, skipChannels: 0, outputScaleFactor: 1 });
      if (config.downBlockTypes[i] === 'CrossAttnDownBlock2D') attentions.push(transformer(`${path}.attentions.${j}`, outputChannels, i, config.transformerLayersPerBlock[i]!));
    }
    downBlocks.push({ path, resnets, attentions, resampleChannels: i === last ? null : outputChannels });
  }

  const midChannels = config.blockOutChannels[last]!;
  const midResnet = (j: number): ResnetPlan => ({
    path: `mid_block.resnets.${j}`,
    inChannels: midChannels,
    outChannels: midChannels,
    skipChannels: 0,
    outputScaleFactor: config.midBlockScaleFactor,
  });
  const midBlock = { path: 'mid_block', resnets: [midResnet(0), midResnet(1)] as [ResnetPlan, ResnetPlan], attention: transformer('mid_block.attentions.0', midChannels, last, config.transformerLayersPerBlock[last]!) };

  const reversedChannels = [...config.blockOutChannels].reverse();
  const upBlocks: LevelBlockPlan[] = [];
  outputChannels = reversedChannels[0]!;
  for (let i = 0; i < blockCount; i++) {
    const level = last - i;
    const previousOutputChannels = outputChannels;
    outputChannels = reversedChannels[i]!;
    const inputChannels = reversedChannels[Math.min(i + 1, last)]!;
    const layerCount = config.layersPerBlock[level]! + 1;
    const path = `up_blocks.${i}`;
    const resnets: ResnetPlan[] = [];
    const attentions: TransformerPlan[] = [];
    for (let j = 0; j < layerCount; j++) {
      const skipChannels = j === layerCount - 1 ? inputChannels : outputChannels;
      const hiddenChannels = j === 0 ? previousOutputChannels : outputChannels;
      resnets.push({ path: `${path}.resnets.${j}`, inChannels: hiddenChannels + skipChannels, outChannels: outputChannels, skipChannels, outputScaleFactor: 1 });
      if (config.upBlockTypes[i] === 'CrossAttnUpBlock2D') attentions.push(transformer(`${path}.attentions.${j}`, outputChannels, level, config.upTransformerLayersPerBlock[i]!));
    }
    upBlocks.push({ path, resnets, attentions, resampleChannels: i === last ? null : outputChannels });
  }

  return {
    config,
    timeEmbeddingInputDim: config.blockOutChannels[0]!,
    timeEmbeddingDim: config.blockOutChannels[0]! * 4,
    downBlocks,
    midBlock,
    upBlocks,
  };
}
