/**
 * diffusers' AutoencoderKL config (vae/config.json); keys and defaults from
 * diffusers/models/autoencoders/autoencoder_kl.py and vae.py (Encoder, Decoder).
 */
import { z } from 'zod';
import { modelConfigError, configErrorFromIssues } from './config-error.js';

const positiveInt = z.number().int().positive();

const vaeConfigSchema = z
  .object({
    in_channels: positiveInt.default(3),
    out_channels: positiveInt.default(3),
    down_block_types: z.array(z.literal('DownEncoderBlock2D')).min(1),
    up_block_types: z.array(z.literal('UpDecoderBlock2D')).min(1),
    block_out_channels: z.array(positiveInt).min(1),
    layers_per_block: positiveInt.default(1),
    act_fn: z.literal('silu').default('silu'),
    latent_channels: positiveInt.default(4),
    norm_num_groups: positiveInt.default(32),
    scaling_factor: z.number().positive().default(0.18215),
    use_quant_conv: z.boolean().default(true),
    use_post_quant_conv: z.boolean().default(true),
    mid_block_add_attention: z.boolean().default(true),
  })
  .loose();

export type VaeConfigJson = z.input<typeof vaeConfigSchema>;

export interface VaeConfig {
  inChannels: number;
  outChannels: number;
  blockOutChannels: number[];
  layersPerBlock: number;
  latentChannels: number;
  normGroups: number;
  /** Not used in the graphs (callers scale latents themselves); kept for model_index consumers. */
  scalingFactor: number;
  useQuantConv: boolean;
  usePostQuantConv: boolean;
  midBlockAttention: boolean;
}

/** diffusers builds the VAE's encoder and decoder with resnet/attention GroupNorm eps 1e-6 (vae.py), not a config key. */
export const VAE_NORM_EPS = 1e-6;

export function parseVaeConfig(json: unknown): VaeConfig {
  const parsed = vaeConfigSchema.safeParse(json);
  if (!parsed.success) throw configErrorFromIssues('vae', parsed.error.issues);
  const raw = parsed.data;
  const levels = raw.block_out_channels.length;
  for (const key of ['down_block_types', 'up_block_types'] as const) {
    if (raw[key].length !== levels) {
      throw modelConfigError('vae', key, `has ${raw[key].length} entries but block_out_channels has ${levels}`, 'give one block type per resolution level');
    }
  }
  raw.block_out_channels.forEach((channels, i) => {
    if (channels % raw.norm_num_groups !== 0) {
      throw modelConfigError('vae', `block_out_channels.${i}`, `= ${channels} is not divisible by norm_num_groups ${raw.norm_num_groups}`, 'GroupNorm needs whole groups');
    }
  });
  return {
    inChannels: raw.in_channels,
    outChannels: raw.out_channels,
    blockOutChannels: raw.block_out_channels,
    layersPerBlock: raw.layers_per_block,
    latentChannels: raw.latent_channels,
    normGroups: raw.norm_num_groups,
    scalingFactor: raw.scaling_factor,
    useQuantConv: raw.use_quant_conv,
    usePostQuantConv: raw.use_post_quant_conv,
    midBlockAttention: raw.mid_block_add_attention,
  };
}

/** The VAE's spatial factor: one 2× resample per level but the last. */
export function vaeScaleFactor(config: VaeConfig): number {
  return 2 ** (config.blockOutChannels.length - 1);
}
