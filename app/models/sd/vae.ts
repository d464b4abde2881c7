/**
 * AutoencoderKL (diffusers autoencoder_kl.py, vae.py Encoder/Decoder) as two ONNX graphs, I/O as
 * the diffusers / optimum export:
 *   vae_decoder: latent_sample [batch, latent, h, w] → sample [batch, out_channels, 8h, 8w]
 *   vae_encoder: sample [batch, in_channels, H, W] → latent_sample [batch, latent, H/8, W/8]
 *                (the posterior MEAN: deterministic) and latent_parameters [batch, 2·latent, …]
 *                (quant_conv's moments = mean ‖ logvar, to draw a sample outside the graph).
 * The latent scaling factor (0.18215) is NOT applied in either graph: callers scale latents.
 * Parameters: "post_quant_conv.*", "decoder.*", "encoder.*", "quant_conv.*".
 */
import { GraphBuilder, type OnnxModel, type Value } from '../../onnx/graph-builder.js';
import { constantInt64, slice } from '../../onnx/ops.js';
import type { WeightSource } from '../weights/weight-source.js';
import { silu } from './layers/activations.js';
import { conv2d } from './layers/conv2d.js';
import { inModule, type FloatType, type LayerContext } from './layers/layer-context.js';
import { groupNorm } from './layers/normalization.js';
import { downsample2D, upsample2D } from './layers/resampling.js';
import { resnetBlock2D } from './layers/resnet-block.js';
import { vaeMidBlock } from './layers/vae-mid-block.js';
import { VAE_NORM_EPS, type VaeConfig } from './vae-config.js';

export interface VaeBuildOptions {
  /** Weights and float I/O. Default float32. */
  dtype?: FloatType;
  metadata?: Record<string, string>;
}

function resnetShape(config: VaeConfig, inChannels: number, outChannels: number) {
  return { inChannels, outChannels, groups: config.normGroups, eps: VAE_NORM_EPS, outputScaleFactor: 1 };
}

function midBlock(ctx: LayerContext, config: VaeConfig, x: Value): Value {
  const channels = config.blockOutChannels[config.blockOutChannels.length - 1]!;
  return inModule(ctx, 'mid_block', () => vaeMidBlock(ctx, x, { channels, groups: config.normGroups, eps: VAE_NORM_EPS, withAttention: config.midBlockAttention }));
}

/** conv_norm_out → SiLU → conv_out, the tail both Encoder and Decoder share. */
function outputHead(ctx: LayerContext, config: VaeConfig, x: Value, channels: number, outChannels: number): Value {
  const normed = inModule(ctx, 'conv_norm_out', () => groupNorm(ctx, x, channels, config.normGroups, VAE_NORM_EPS));
  const activated = silu(ctx, normed);
  return inModule(ctx, 'conv_out', () => conv2d(ctx, activated, channels, outChannels, 3));
}

export function buildVaeDecoder(config: VaeConfig, weights: WeightSource, options: VaeBuildOptions = {}): OnnxModel {
  const dtype = options.dtype ?? 'float32';
  const g = new GraphBuilder({ graphName: 'vae_decoder' });
  const ctx: LayerContext = { g, weights, dtype };
  const latents = config.latentChannels;
  const input = g.input('latent_sample', dtype, ['batch', latents, 'latent_height', 'latent_width']);
  const z = config.usePostQuantConv ? inModule(ctx, 'post_quant_conv', () => conv2d(ctx, input, latents, latents, 1)) : input;
  const reversed = [...config.blockOutChannels].reverse();
  const image = inModule(ctx, 'decoder', () => {
    let h = inModule(ctx, 'conv_in', () => conv2d(ctx, z, latents, reversed[0]!, 3));
    h = midBlock(ctx, config, h);
    let outputChannels = reversed[0]!;
    reversed.forEach((channels, i) => {
      const previous = outputChannels;
      outputChannels = channels;
      h = inModule(ctx, `up_blocks.${i}`, () => {
        // UpDecoderBlock2D: layers_per_block + 1 resnets, then a 2× Upsample2D except on the last level.
        let x = h;
        for (let j = 0; j <= config.layersPerBlock; j++) {
          const input = x;
          x = inModule(ctx, `resnets.${j}`, () => resnetBlock2D(ctx, input, null, resnetShape(config, j === 0 ? previous : channels, channels)));
        }
        if (i === reversed.length - 1) return x;
        const upsampleInput = x;
        return inModule(ctx, 'upsamplers.0', () => upsample2D(ctx, upsampleInput, channels, null));
      });
    });
    return outputHead(ctx, config, h, config.blockOutChannels[0]!, config.outChannels);
  });
  g.output(image, 'sample', dtype, ['batch', config.outChannels, 'height', 'width']);
  return g.build(options.metadata ? { metadata: options.metadata } : {});
}

export function buildVaeEncoder(config: VaeConfig, weights: WeightSource, options: VaeBuildOptions = {}): OnnxModel {
  const dtype = options.dtype ?? 'float32';
  const g = new GraphBuilder({ graphName: 'vae_encoder' });
  const ctx: LayerContext = { g, weights, dtype };
  const latents = config.latentChannels;
  const input = g.input('sample', dtype, ['batch', config.inChannels, 'height', 'width']);
  const last = config.blockOutChannels.length - 1;
  const encoded = inModule(ctx, 'encoder', () => {
    let h = inModule(ctx, 'conv_in', () => conv2d(ctx, input, config.inChannels, config.blockOutChannels[0]!, 3));
    let outputChannels = config.blockOutChannels[0]!;
    config.blockOutChannels.forEach((channels, i) => {
      const previous = outputChannels;
      outputChannels = channels;
      h = inModule(ctx, `down_blocks.${i}`, () => {
        // DownEncoderBlock2D: layers_per_block resnets, then a stride-2 Downsample2D (padding 0) except on the last level.
        let x = h;
        for (let j = 0; j < config.layersPerBlock; j++) {
          const blockInput = x;
          x = inModule(ctx, `resnets.${j}`, () => resnetBlock2D(ctx, blockInput, null, resnetShape(config, j === 0 ? previous : channels, channels)));
        }
        if (i === last) return x;
        const downsampleInput = x;
        return inModule(ctx, 'downsamplers.0', () => downsample2D(ctx, downsampleInput, channels, 0));
      });
    });
    h = midBlock(ctx, config, h);
    return outputHead(ctx, config, h, config.blockOutChannels[last]!, 2 * latents);
  });
  const moments = config.useQuantConv ? inModule(ctx, 'quant_conv', () => conv2d(ctx, encoded, 2 * latents, 2 * latents, 1)) : encoded;
  // DiagonalGaussianDistribution: mean, logvar = torch.chunk(moments, 2, dim=1).
  const mean = slice(g, moments, constantInt64(g, [0]), constantInt64(g, [latents]), constantInt64(g, [1]), null);
  g.output(mean, 'latent_sample', dtype, ['batch', latents, 'latent_height', 'latent_width']);
  g.output(moments, 'latent_parameters', dtype, ['batch', 2 * latents, 'latent_height', 'latent_width']);
  return g.build(options.metadata ? { metadata: options.metadata } : {});
}
