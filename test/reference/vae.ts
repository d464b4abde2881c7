/**
 * diffusers AutoencoderKL (autoencoder_kl.py) with vae.py's Encoder and Decoder: DownEncoderBlock2D
 * / UpDecoderBlock2D of ResnetBlock2D without time embedding, UNetMidBlock2D with one
 * single-head attention (group_norm inside, residual connection, rescale_output_factor 1), every
 * GroupNorm with eps 1e-6. Parameter names are diffusers' current ones (to_q/to_k/to_v/to_out.0,
 * not the legacy query/key/value/proj_attn).
 */
import { silu } from './activations.js';
import { conv2d } from './convolution.js';
import { NdArray } from './ndarray.js';
import { groupNorm } from './normalization.js';
import { param, scoped, type ParamSource } from './params.js';
import { downsample2D, resnetBlock2D, upsample2D } from './resnet-block.js';
import { add, nchwToTokens, tokensToNchw } from './tensor-layout.js';
import { attentionModule } from './transformer.js';

/** resnet_eps and every norm's eps in the VAE. */
export const VAE_NORM_EPS = 1e-6;

/** The AutoencoderKL config.json fields the reference uses. */
export interface AutoencoderKLConfig {
  in_channels: number;
  out_channels: number;
  latent_channels: number;
  block_out_channels: number[];
  layers_per_block: number;
  norm_num_groups: number;
  down_block_types?: string[];
  up_block_types?: string[];
  mid_block_add_attention?: boolean;
}

/** UNetMidBlock2D's attention: x + to_out.0(attn(to_q/k/v(group_norm(x)))) with one head of all C channels. */
export function vaeAttentionBlock(params: ParamSource, prefix: string, config: { groups: number }, x: NdArray): NdArray {
  const [, channels, height, width] = x.shape as [number, number, number, number];
  const normed = groupNorm(
    x,
    config.groups,
    param(params, scoped(prefix, 'group_norm.weight'), [channels]),
    param(params, scoped(prefix, 'group_norm.bias'), [channels]),
    VAE_NORM_EPS,
  );
  const attended = attentionModule(params, prefix, { heads: 1, qkvBias: true }, nchwToTokens(normed));
  return add(tokensToNchw(attended, height, width), x);
}

/** UNetMidBlock2D (temb None): resnets.0 → attentions.0 → resnets.1. */
export function vaeMidBlock(params: ParamSource, prefix: string, config: { groups: number; addAttention: boolean }, x: NdArray): NdArray {
  const resnet = { groups: config.groups, eps: VAE_NORM_EPS };
  let h = resnetBlock2D(params, scoped(prefix, 'resnets.0'), resnet, x);
  if (config.addAttention) h = vaeAttentionBlock(params, scoped(prefix, 'attentions.0'), config, h);
  return resnetBlock2D(params, scoped(prefix, 'resnets.1'), resnet, h);
}

/**
 * AutoencoderKL.encode up to the latent distribution's parameters: quant_conv(encoder(x)), i.e.
 * [B, 2·latent_channels, H/f, W/f] holding the mean then the log-variance (DiagonalGaussianDistribution
 * splits it in two along channels). `prefix` is the AutoencoderKL's path ("" for a VAE state dict).
 */
export function vaeEncoder(params: ParamSource, prefix: string, config: AutoencoderKLConfig, image: NdArray): NdArray {
  checkBlockTypes(config.down_block_types, 'DownEncoderBlock2D');
  const channels = config.block_out_channels;
  const groups = config.norm_num_groups;
  const enc = (name: string): string => scoped(prefix, `encoder.${name}`);
  let h = conv2d(image, param(params, enc('conv_in.weight'), [channels[0]!, config.in_channels, 3, 3]), param(params, enc('conv_in.bias'), [channels[0]!]), { padding: 1 });
  channels.forEach((outChannels, i) => {
    for (let j = 0; j < config.layers_per_block; j++) {
      h = resnetBlock2D(params, enc(`down_blocks.${i}.resnets.${j}`), { outChannels, groups, eps: VAE_NORM_EPS }, h);
    }
    // Encoder passes downsample_padding=0: pad right/bottom by one, then a stride-2 conv without padding.
    if (i < channels.length - 1) h = downsample2D(params, enc(`down_blocks.${i}.downsamplers.0`), { padding: 0 }, h);
  });
  h = vaeMidBlock(params, enc('mid_block'), { groups, addAttention: config.mid_block_add_attention ?? true }, h);
  const last = channels[channels.length - 1]!;
  h = silu(groupNorm(h, groups, param(params, enc('conv_norm_out.weight'), [last]), param(params, enc('conv_norm_out.bias'), [last]), VAE_NORM_EPS));
  const moments = 2 * config.latent_channels; // double_z
  h = conv2d(h, param(params, enc('conv_out.weight'), [moments, last, 3, 3]), param(params, enc('conv_out.bias'), [moments]), { padding: 1 });
  return conv2d(h, param(params, scoped(prefix, 'quant_conv.weight'), [moments, moments, 1, 1]), param(params, scoped(prefix, 'quant_conv.bias'), [moments]));
}

/**
 * AutoencoderKL.decode: decoder(post_quant_conv(z)). z is the latent the pipeline already divided
 * by scaling_factor; the output image is in [−1, 1] for a trained model.
 */
export function vaeDecoder(params: ParamSource, prefix: string, config: AutoencoderKLConfig, latents: NdArray): NdArray {
  checkBlockTypes(config.up_block_types, 'UpDecoderBlock2D');
  const reversed = [...config.block_out_channels].reverse();
  const groups = config.norm_num_groups;
  const latent = config.latent_channels;
  const dec = (name: string): string => scoped(prefix, `decoder.${name}`);
  let h = conv2d(latents, param(params, scoped(prefix, 'post_quant_conv.weight'), [latent, latent, 1, 1]), param(params, scoped(prefix, 'post_quant_conv.bias'), [latent]));
  h = conv2d(h, param(params, dec('conv_in.weight'), [reversed[0]!, latent, 3, 3]), param(params, dec('conv_in.bias'), [reversed[0]!]), { padding: 1 });
  h = vaeMidBlock(params, dec('mid_block'), { groups, addAttention: config.mid_block_add_attention ?? true }, h);
  reversed.forEach((outChannels, i) => {
    for (let j = 0; j < config.layers_per_block + 1; j++) {
      h = resnetBlock2D(params, dec(`up_blocks.${i}.resnets.${j}`), { outChannels, groups, eps: VAE_NORM_EPS }, h);
    }
    if (i < reversed.length - 1) h = upsample2D(params, dec(`up_blocks.${i}.upsamplers.0`), h);
  });
  const first = config.block_out_channels[0]!;
  h = silu(groupNorm(h, groups, param(params, dec('conv_norm_out.weight'), [first]), param(params, dec('conv_norm_out.bias'), [first]), VAE_NORM_EPS));
  return conv2d(h, param(params, dec('conv_out.weight'), [config.out_channels, first, 3, 3]), param(params, dec('conv_out.bias'), [config.out_channels]), { padding: 1 });
}

function checkBlockTypes(types: string[] | undefined, supported: string): void {
  const other = types?.find((type) => type !== supported);
  if (other !== undefined) throw new Error(`the reference VAE supports only ${supported} blocks, not ${other}`);
}
