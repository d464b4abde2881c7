/**
 * diffusers UNet2DConditionModel.forward for Stable Diffusion 1.x/2.x and SDXL layouts: sinusoidal
 * time embedding → TimestepEmbedding MLP (plus, for SDXL's addition_embed_type "text_time",
 * add_embedding of [text_embeds, sinusoids of each time id]); conv_in; down blocks collecting
 * skips; mid block; up blocks consuming skips in reverse; conv_norm_out → SiLU → conv_out.
 *
 * Heads: diffusers reads `num_attention_heads or attention_head_dim` as the HEAD COUNT per block
 * (SD1: 8 everywhere; SD2: [5, 10, 20, 20], i.e. head dim 64), each transformer then using
 * dim_head = channels / heads. Up blocks take the per-block lists reversed; the mid block the last.
 */
import { silu } from './activations.js';
import { conv2d } from './convolution.js';
import { linear } from './linear.js';
import { NdArray, zeros } from './ndarray.js';
import { groupNorm } from './normalization.js';
import { param, scoped, type ParamSource } from './params.js';
import { add } from './tensor-layout.js';
import { timestepEmbedding } from './timestep-embedding.js';
import { unetDownBlock, unetMidBlock, unetUpBlock, type BlockContext, type UNetBlockConfig } from './unet-blocks.js';

/** The UNet2DConditionModel config.json fields the reference uses (diffusers names). */
export interface UNet2DConditionConfig {
  in_channels: number;
  out_channels: number;
  block_out_channels: number[];
  layers_per_block: number | number[];
  down_block_types: string[];
  up_block_types: string[];
  mid_block_type?: string;
  cross_attention_dim: number;
  attention_head_dim: number | number[];
  num_attention_heads?: number | number[] | null;
  transformer_layers_per_block?: number | number[];
  reverse_transformer_layers_per_block?: number[] | null;
  use_linear_projection?: boolean;
  addition_embed_type?: 'text_time' | null;
  addition_time_embed_dim?: number;
  projection_class_embeddings_input_dim?: number;
  norm_num_groups: number;
  norm_eps: number;
  flip_sin_to_cos?: boolean;
  freq_shift?: number;
}

/** SDXL's added_cond_kwargs: pooled text [B, text_dim] and time ids [B, K]. */
export interface AddedConditions {
  textEmbeds: NdArray;
  timeIds: NdArray;
}

/**
 * `timesteps` has one value per sample, or one value for the whole batch (torch expands it).
 * `prefix` is the UNet's path ("" for a UNet state dict). `added` is required for text_time configs.
 */
export function unet2DConditionModel(
  params: ParamSource,
  prefix: string,
  config: UNet2DConditionConfig,
  sample: NdArray,
  timesteps: readonly number[],
  encoderHiddenStates: NdArray,
  added?: AddedConditions,
): NdArray {
  const blocks = config.block_out_channels.length;
  checkConfig(config, blocks);
  const batch = sample.shape[0]!;
  const p = (name: string, shape: number[]): NdArray => param(params, scoped(prefix, name), shape);
  const perBlock = (value: number | number[]): number[] => (typeof value === 'number' ? new Array<number>(blocks).fill(value) : value);
  const heads = perBlock(config.num_attention_heads ?? config.attention_head_dim);
  const layers = perBlock(config.layers_per_block);
  const transformerLayers = perBlock(config.transformer_layers_per_block ?? 1);
  const upTransformerLayers = config.reverse_transformer_layers_per_block ?? [...transformerLayers].reverse();
  const channels = config.block_out_channels;
  const base = { groups: config.norm_num_groups, eps: config.norm_eps, useLinearProjection: config.use_linear_projection ?? false };

  let temb = timeEmbedding(p, config, expandTimesteps(timesteps, batch));
  if (config.addition_embed_type === 'text_time') {
    if (added === undefined) throw new Error('a text_time UNet needs text_embeds and time_ids');
    temb = add(temb, textTimeEmbedding(p, config, added));
  }
  const context: BlockContext = { temb, encoderHiddenStates };
  let h = conv2d(sample, p('conv_in.weight', [channels[0]!, config.in_channels, 3, 3]), p('conv_in.bias', [channels[0]!]), { padding: 1 });

  const skips: NdArray[] = [h];
  config.down_block_types.forEach((type, i) => {
    const block: UNetBlockConfig & { addDownsample: boolean } = {
      ...base,
      outChannels: channels[i]!,
      layers: layers[i]!,
      hasAttention: type === 'CrossAttnDownBlock2D',
      heads: heads[i]!,
      transformerLayers: transformerLayers[i]!,
      addDownsample: i < blocks - 1,
    };
    const result = unetDownBlock(params, scoped(prefix, `down_blocks.${i}`), block, h, context);
    h = result.hidden;
    skips.push(...result.skips);
  });

  const last = blocks - 1;
  h = unetMidBlock(
    params,
    scoped(prefix, 'mid_block'),
    { ...base, outChannels: channels[last]!, layers: 1, hasAttention: true, heads: heads[last]!, transformerLayers: transformerLayers[last]! },
    h,
    context,
  );

  config.up_block_types.forEach((type, i) => {
    const reversedIndex = last - i;
    const resnets = layers[reversedIndex]! + 1;
    const blockSkips = skips.splice(skips.length - resnets, resnets);
    const next = skips[skips.length - 1];
    const block: UNetBlockConfig & { upsampleSize?: [number, number] } = {
      ...base,
      outChannels: channels[reversedIndex]!,
      layers: resnets,
      hasAttention: type === 'CrossAttnUpBlock2D',
      heads: heads[reversedIndex]!,
      transformerLayers: upTransformerLayers[i]!,
      ...(i < blocks - 1 && next !== undefined ? { upsampleSize: [next.shape[2]!, next.shape[3]!] as [number, number] } : {}),
    };
    h = unetUpBlock(params, scoped(prefix, `up_blocks.${i}`), block, h, blockSkips, context);
  });

  const c0 = channels[0]!;
  h = silu(groupNorm(h, config.norm_num_groups, p('conv_norm_out.weight', [c0]), p('conv_norm_out.bias', [c0]), config.norm_eps));
  return conv2d(h, p('conv_out.weight', [config.out_channels, c0, 3, 3]), p('conv_out.bias', [config.out_channels]), { padding: 1 });
}

/** Timesteps(block_out_channels[0], flip_sin_to_cos, freq_shift) → linear_1 → SiLU → linear_2. */
function timeEmbedding(p: (name: string, shape: number[]) => NdArray, config: UNet2DConditionConfig, timesteps: number[]): NdArray {
  const c0 = config.block_out_channels[0]!;
  const embedDim = 4 * c0;
  const sinusoid = timestepEmbedding(timesteps, c0, { flipSinToCos: config.flip_sin_to_cos ?? true, shift: config.freq_shift ?? 0 });
  const hidden = silu(linear(sinusoid, p('time_embedding.linear_1.weight', [embedDim, c0]), p('time_embedding.linear_1.bias', [embedDim])));
  return linear(hidden, p('time_embedding.linear_2.weight', [embedDim, embedDim]), p('time_embedding.linear_2.bias', [embedDim]));
}

/**
 * get_aug_embed for "text_time": add_time_proj(time_ids.flatten()) reshaped to [B, K·dim],
 * concatenated after text_embeds, through add_embedding (linear_1 → SiLU → linear_2).
 */
function textTimeEmbedding(p: (name: string, shape: number[]) => NdArray, config: UNet2DConditionConfig, added: AddedConditions): NdArray {
  const [batch, idCount] = added.timeIds.shape as [number, number];
  const textDim = added.textEmbeds.shape[1]!;
  const timeDim = config.addition_time_embed_dim!;
  const inputDim = config.projection_class_embeddings_input_dim!;
  if (textDim + idCount * timeDim !== inputDim) throw new RangeError(`text ${textDim} + ${idCount} × ${timeDim} time features ≠ projection_class_embeddings_input_dim ${inputDim}`);
  const sinusoids = timestepEmbedding([...added.timeIds.data], timeDim, { flipSinToCos: config.flip_sin_to_cos ?? true, shift: config.freq_shift ?? 0 });
  const joined = zeros([batch, inputDim]);
  for (let b = 0; b < batch; b++) {
    joined.data.set(added.textEmbeds.data.subarray(b * textDim, (b + 1) * textDim), b * inputDim);
    joined.data.set(sinusoids.data.subarray(b * idCount * timeDim, (b + 1) * idCount * timeDim), b * inputDim + textDim);
  }
  const embedDim = 4 * config.block_out_channels[0]!;
  const hidden = silu(linear(joined, p('add_embedding.linear_1.weight', [embedDim, inputDim]), p('add_embedding.linear_1.bias', [embedDim])));
  return linear(hidden, p('add_embedding.linear_2.weight', [embedDim, embedDim]), p('add_embedding.linear_2.bias', [embedDim]));
}

function expandTimesteps(timesteps: readonly number[], batch: number): number[] {
  if (timesteps.length === 1) return new Array<number>(batch).fill(timesteps[0]!);
  if (timesteps.length !== batch) throw new RangeError(`${timesteps.length} timesteps for a batch of ${batch}`);
  return [...timesteps];
}

function checkConfig(config: UNet2DConditionConfig, blocks: number): void {
  const problems: string[] = [];
  if (config.down_block_types.length !== blocks || config.up_block_types.length !== blocks) {
    problems.push(`down_block_types and up_block_types need ${blocks} entries (one per block_out_channels)`);
  }
  for (const type of config.down_block_types) if (type !== 'CrossAttnDownBlock2D' && type !== 'DownBlock2D') problems.push(`down block ${type}`);
  for (const type of config.up_block_types) if (type !== 'CrossAttnUpBlock2D' && type !== 'UpBlock2D') problems.push(`up block ${type}`);
  if (config.mid_block_type !== undefined && config.mid_block_type !== 'UNetMidBlock2DCrossAttn') problems.push(`mid block ${config.mid_block_type}`);
  if (problems.length > 0) throw new Error(`the reference UNet does not support: ${problems.join('; ')}`);
}
