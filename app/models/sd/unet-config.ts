/**
 * The subset of diffusers' UNet2DConditionModel config (unet/config.json) that Stable Diffusion
 * 1.x / 2.x and SDXL use, parsed and resolved into per-block values. Keys and defaults follow
 * diffusers/models/unets/unet_2d_condition.py; anything that would change the architecture in a
 * way this builder does not implement (class embeddings, image-conditioned added embeddings, …)
 * is rejected by name instead of being silently ignored.
 */
import { z } from 'zod';
import { modelConfigError, configErrorFromIssues } from './config-error.js';

const positiveInt = z.number().int().positive();
const intOrList = z.union([positiveInt, z.array(positiveInt).min(1)]);

const unetConfigSchema = z
  .object({
    in_channels: positiveInt.default(4),
    out_channels: positiveInt.default(4),
    sample_size: positiveInt.nullable().default(null),
    flip_sin_to_cos: z.boolean().default(true),
    freq_shift: z.number().default(0),
    down_block_types: z.array(z.enum(['CrossAttnDownBlock2D', 'DownBlock2D'])).min(1),
    mid_block_type: z.enum(['UNetMidBlock2DCrossAttn']).default('UNetMidBlock2DCrossAttn'),
    up_block_types: z.array(z.enum(['CrossAttnUpBlock2D', 'UpBlock2D'])).min(1),
    block_out_channels: z.array(positiveInt).min(1),
    layers_per_block: intOrList.default(2),
    downsample_padding: z.number().int().min(0).default(1),
    mid_block_scale_factor: z.number().default(1),
    act_fn: z.literal('silu').default('silu'),
    norm_num_groups: positiveInt.default(32),
    norm_eps: z.number().positive().default(1e-5),
    cross_attention_dim: positiveInt.default(1280),
    transformer_layers_per_block: intOrList.default(1),
    attention_head_dim: intOrList.default(8),
    num_attention_heads: intOrList.nullable().default(null),
    reverse_transformer_layers_per_block: z.array(positiveInt).min(1).nullable().default(null),
    use_linear_projection: z.boolean().default(false),
    // SDXL's config.json says null: diffusers treats it as false.
    upcast_attention: z.boolean().nullable().default(false),
    addition_embed_type: z.string().nullable().default(null),
    addition_time_embed_dim: positiveInt.nullable().default(null),
    projection_class_embeddings_input_dim: positiveInt.nullable().default(null),
    conv_in_kernel: positiveInt.default(3),
    conv_out_kernel: positiveInt.default(3),
  })
  .loose();

export type UNetConfigJson = z.input<typeof unetConfigSchema>;

/** Config keys whose non-default values change the architecture in ways this builder does not implement. */
const UNSUPPORTED_FEATURES: ReadonlyArray<{ key: string; isDefault: (value: unknown) => boolean; what: string }> = [
  { key: 'center_input_sample', isDefault: (v) => v === undefined || v === false, what: 'input centring' },
  { key: 'only_cross_attention', isDefault: (v) => v === undefined || v === false || (Array.isArray(v) && v.every((x) => x === false)), what: 'cross-attention-only blocks' },
  { key: 'dual_cross_attention', isDefault: (v) => v === undefined || v === false, what: 'dual cross attention' },
  { key: 'class_embed_type', isDefault: (v) => v === undefined || v === null, what: 'class embeddings' },
  { key: 'num_class_embeds', isDefault: (v) => v === undefined || v === null, what: 'class embeddings' },
  { key: 'addition_embed_type', isDefault: (v) => v === undefined || v === null || v === 'text_time', what: 'added embeddings other than SDXL\'s text_time' },
  { key: 'encoder_hid_dim', isDefault: (v) => v === undefined || v === null, what: 'an encoder_hid_proj' },
  { key: 'time_embedding_type', isDefault: (v) => v === undefined || v === 'positional', what: 'a non-sinusoidal time embedding' },
  { key: 'time_embedding_dim', isDefault: (v) => v === undefined || v === null, what: 'a custom time embedding size' },
  { key: 'time_cond_proj_dim', isDefault: (v) => v === undefined || v === null, what: 'timestep conditioning (LCM)' },
  { key: 'timestep_post_act', isDefault: (v) => v === undefined || v === null, what: 'a post-activation in the time embedding' },
  { key: 'time_embedding_act_fn', isDefault: (v) => v === undefined || v === null, what: 'an activation after the time embedding' },
  { key: 'resnet_out_scale_factor', isDefault: (v) => v === undefined || v === 1, what: 'scaled resnet outputs' },
  { key: 'resnet_skip_time_act', isDefault: (v) => v === undefined || v === false, what: 'a time-embedding activation inside the resnets' },
  { key: 'cross_attention_norm', isDefault: (v) => v === undefined || v === null, what: 'normalised cross-attention context' },
  { key: 'resnet_time_scale_shift', isDefault: (v) => v === undefined || v === 'default', what: 'scale-shift time conditioning' },
  { key: 'attention_type', isDefault: (v) => v === undefined || v === 'default', what: 'gated (GLIGEN) attention' },
  { key: 'class_embeddings_concat', isDefault: (v) => v === undefined || v === false, what: 'class embedding concatenation' },
];

export interface UNetConfig {
  inChannels: number;
  outChannels: number;
  sampleSize: number | null;
  flipSinToCos: boolean;
  freqShift: number;
  downBlockTypes: Array<'CrossAttnDownBlock2D' | 'DownBlock2D'>;
  upBlockTypes: Array<'CrossAttnUpBlock2D' | 'UpBlock2D'>;
  blockOutChannels: number[];
  /** Resnets per down block (the matching up block has one more). */
  layersPerBlock: number[];
  /** Transformer blocks inside each down block's Transformer2DModel; the mid block takes the last entry (as diffusers does). */
  transformerLayersPerBlock: number[];
  /** The same for up block i (up_blocks.0 is the deepest): reverse_transformer_layers_per_block, else the list above reversed. */
  upTransformerLayersPerBlock: number[];
  /** Attention heads per down block — see resolveHeads for the diffusers naming quirk. */
  attentionHeads: number[];
  downsamplePadding: number;
  midBlockScaleFactor: number;
  normGroups: number;
  normEps: number;
  crossAttentionDim: number;
  useLinearProjection: boolean;
  upcastAttention: boolean;
  convInKernel: number;
  convOutKernel: number;
  /** SDXL's micro-conditioning (addition_embed_type "text_time"); null for SD 1.x / 2.x. */
  addedTextTime: AddedTextTimeConfig | null;
}

/**
 * addition_embed_type "text_time": add_time_proj = Timesteps(timeEmbedDim) applied to each
 * time id, add_embedding = TimestepEmbedding(inputDim → time embedding width) applied to
 * [text_embeds, flattened time-id sinusoids]; the result is added to the time embedding.
 */
export interface AddedTextTimeConfig {
  /** addition_time_embed_dim (256 in SDXL). */
  timeEmbedDim: number;
  /** projection_class_embeddings_input_dim (2816 in SDXL base = 1280 pooled text + 6 × 256). */
  inputDim: number;
}

export function parseUNetConfig(json: unknown): UNetConfig {
  const parsed = unetConfigSchema.safeParse(json);
  if (!parsed.success) throw configErrorFromIssues('unet', parsed.error.issues);
  const raw = parsed.data;
  const record = raw as Record<string, unknown>;
  for (const feature of UNSUPPORTED_FEATURES) {
    if (!feature.isDefault(record[feature.key])) {
      throw modelConfigError('unet', feature.key, `= ${JSON.stringify(record[feature.key])} asks for ${feature.what}, which this builder does not implement`, 'use a Stable Diffusion 1.x, 2.x or SDXL UNet config');
    }
  }
  const blockCount = raw.block_out_channels.length;
  const perBlock = (key: string, value: number | number[]): number[] => {
    const list = typeof value === 'number' ? new Array<number>(blockCount).fill(value) : value;
    if (list.length !== blockCount) {
      throw modelConfigError('unet', key, `has ${list.length} entries but block_out_channels has ${blockCount}`, 'give one value per block or a single number');
    }
    return list;
  };
  for (const key of ['down_block_types', 'up_block_types'] as const) {
    if (raw[key].length !== blockCount) {
      throw modelConfigError('unet', key, `has ${raw[key].length} entries but block_out_channels has ${blockCount}`, 'give one block type per resolution level');
    }
  }
  if (raw.conv_in_kernel % 2 === 0 || raw.conv_out_kernel % 2 === 0) {
    throw modelConfigError('unet', raw.conv_in_kernel % 2 === 0 ? 'conv_in_kernel' : 'conv_out_kernel', 'must be odd (diffusers pads by (k - 1) / 2)');
  }
  const transformerLayersPerBlock = perBlock('transformer_layers_per_block', raw.transformer_layers_per_block);
  const config: UNetConfig = {
    inChannels: raw.in_channels,
    outChannels: raw.out_channels,
    sampleSize: raw.sample_size,
    flipSinToCos: raw.flip_sin_to_cos,
    freqShift: raw.freq_shift,
    downBlockTypes: raw.down_block_types,
    upBlockTypes: raw.up_block_types,
    blockOutChannels: raw.block_out_channels,
    layersPerBlock: perBlock('layers_per_block', raw.layers_per_block),
    transformerLayersPerBlock,
    upTransformerLayersPerBlock: raw.reverse_transformer_layers_per_block === null
      ? [...transformerLayersPerBlock].reverse()
      : perBlock('reverse_transformer_layers_per_block', raw.reverse_transformer_layers_per_block),
    attentionHeads: resolveHeads(raw.num_attention_heads, raw.attention_head_dim, perBlock),
    downsamplePadding: raw.downsample_padding,
    midBlockScaleFactor: raw.mid_block_scale_factor,
    normGroups: raw.norm_num_groups,
    normEps: raw.norm_eps,
    crossAttentionDim: raw.cross_attention_dim,
    useLinearProjection: raw.use_linear_projection,
    upcastAttention: raw.upcast_attention ?? false,
    convInKernel: raw.conv_in_kernel,
    convOutKernel: raw.conv_out_kernel,
    addedTextTime: raw.addition_embed_type === 'text_time' ? addedTextTime(raw.addition_time_embed_dim, raw.projection_class_embeddings_input_dim) : null,
  };
  checkDivisibility(config);
  return config;
}

/**
 * diffusers quirk (unet_2d_condition.py: `num_attention_heads = num_attention_heads or
 * attention_head_dim`): SD configs only set `attention_head_dim`, and its value is used as the
 * NUMBER of heads. SD1.x's 8 means 8 heads (head size 40/80/160); SD2.x's [5, 10, 20, 20] means
 * 5/10/20/20 heads of size 64.
 */
function resolveHeads(
  numAttentionHeads: number | number[] | null,
  attentionHeadDim: number | number[],
  perBlock: (key: string, value: number | number[]) => number[],
): number[] {
  if (numAttentionHeads !== null) return perBlock('num_attention_heads', numAttentionHeads);
  return perBlock('attention_head_dim', attentionHeadDim);
}

function addedTextTime(timeEmbedDim: number | null, inputDim: number | null): AddedTextTimeConfig {
  const hint = 'SDXL configs set addition_time_embed_dim (256) and projection_class_embeddings_input_dim (2816) with addition_embed_type "text_time"';
  if (timeEmbedDim === null) throw modelConfigError('unet', 'addition_time_embed_dim', 'is missing, but addition_embed_type "text_time" needs it', hint);
  if (inputDim === null) throw modelConfigError('unet', 'projection_class_embeddings_input_dim', 'is missing, but addition_embed_type "text_time" needs it', hint);
  if (timeEmbedDim % 2 !== 0) throw modelConfigError('unet', 'addition_time_embed_dim', `= ${timeEmbedDim} is odd; the sinusoid needs an even width`);
  return { timeEmbedDim, inputDim };
}

function checkDivisibility(config: UNetConfig): void {
  config.blockOutChannels.forEach((channels, i) => {
    if (channels % config.normGroups !== 0) {
      throw modelConfigError('unet', `block_out_channels.${i}`, `= ${channels} is not divisible by norm_num_groups ${config.normGroups}`, 'GroupNorm needs whole groups');
    }
    const heads = config.attentionHeads[i]!;
    if (channels % heads !== 0) {
      throw modelConfigError('unet', `attention_head_dim.${i}`, `= ${heads} heads do not divide ${channels} channels`, 'diffusers reads attention_head_dim as a head count here');
    }
  });
}
