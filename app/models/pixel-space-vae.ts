/**
 * The pixel-space identity VAE. A model whose UNet denoises RGB pixels directly (models/emoji-pixel-32,
 * docs/training.md "Decisions") has no autoencoder, yet the pipeline folder layout, the node graph
 * (VAEDecode, VAEEncode) and diffusers' OnnxStableDiffusionPipeline all expect vae_decoder/ and
 * vae_encoder/. These two graphs fill those places with the identity, under the I/O names of the
 * diffusers/optimum export (sd/vae.ts):
 *   vae_decoder: latent_sample [batch, C, h, w] → sample [batch, C, h, w]
 *   vae_encoder: sample [batch, C, H, W] → latent_sample [batch, C, H, W]
 * Their config.json says what diffusers' formulas need: latent_channels C, one block
 * (vae_scale_factor = 2 ** (len(block_out_channels) - 1) = 1) and scaling_factor 1, so latents are
 * the image in [-1, 1]. `_class_name` marks the folder as pixel space (pipeline-folder.ts).
 */
import { GraphBuilder, type OnnxModel } from '../onnx/graph-builder.js';
import type { FloatType } from './sd/layers/layer-context.js';

export const PIXEL_SPACE_VAE_CLASS = 'PixelSpaceIdentityVAE';

/** vae_decoder/config.json and vae_encoder/config.json of a pixel-space model with `channels` image channels. */
export function pixelSpaceVaeConfig(channels: number): Record<string, unknown> {
  return {
    _class_name: PIXEL_SPACE_VAE_CLASS,
    _comment: 'pixel-space identity VAE: latents are the image in [-1, 1]; built by the app (app/models/pixel-space-vae.ts)',
    in_channels: channels,
    out_channels: channels,
    latent_channels: channels,
    block_out_channels: [channels],
    scaling_factor: 1.0,
  };
}

function identityGraph(graphName: string, input: string, output: string, channels: number, dtype: FloatType): OnnxModel {
  const g = new GraphBuilder({ graphName });
  const value = g.input(input, dtype, ['batch', channels, 'height', 'width']);
  // An output that is a graph input becomes an Identity node (GraphBuilder.build).
  g.output(value, output, dtype, ['batch', channels, 'height', 'width']);
  return g.build({ metadata: { 'scalecrafter.model': 'pixel-space identity VAE' } });
}

export function buildPixelSpaceVaeDecoder(channels: number, dtype: FloatType = 'float32'): OnnxModel {
  return identityGraph('vae_decoder', 'latent_sample', 'sample', channels, dtype);
}

/** latent_sample only: there is no distribution to sample, so no latent_parameters (vae-codec.ts reads either). */
export function buildPixelSpaceVaeEncoder(channels: number, dtype: FloatType = 'float32'): OnnxModel {
  return identityGraph('vae_encoder', 'sample', 'latent_sample', channels, dtype);
}
