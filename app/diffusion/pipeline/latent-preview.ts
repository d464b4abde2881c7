/**
 * A cheap look at the latent while sampling: each latent channel contributes a fixed RGB colour,
 * the linear approximation of the SD 1.x/2.x VAE that ComfyUI and A1111 use for step previews
 * (factors fitted by Keturn, "Decoding latents to RGB without upscaling"); SDXL's retrained VAE
 * has its own factors and a bias (ComfyUI's comfy/latent_formats.py SDXL). No VAE call needed.
 * A pixel-space model's latent is the image itself (pixel-space-vae.ts): its preview is exact.
 */
import { encodeRgbPng } from '../../imaging/png-metadata.js';
import type { PipelineFolder } from '../../models/pipeline-folder.js';
import type { PreviewImage } from '../../protocol/index.js';

type Rgb = readonly [number, number, number];

const SD_LATENT_RGB: readonly Rgb[] = [
  [0.298, 0.207, 0.208],
  [0.187, 0.286, 0.173],
  [-0.158, 0.189, 0.264],
  [-0.184, -0.271, -0.473],
];

const SDXL_LATENT_RGB: readonly Rgb[] = [
  [0.3651, 0.4232, 0.4341],
  [-0.2533, -0.0042, 0.1068],
  [0.1076, 0.1111, -0.0362],
  [-0.3165, -0.2492, -0.2188],
];
const SDXL_LATENT_RGB_BIAS: Rgb = [0.1084, -0.0175, -0.0011];

/** Channel k's contribution to colour c, for a pixel-space latent: the identity. */
const RGB_IDENTITY: readonly Rgb[] = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

const NO_BIAS: Rgb = [0, 0, 0];

/** Preview of the first image of a [B,C,h,w] latent (an SD/SDXL latent, or RGB in [-1, 1] in pixel space), at latent resolution. */
export function latentPreview(latent: Float32Array, dims: readonly number[], space: Pick<PipelineFolder, 'pixelSpace'> & Partial<Pick<PipelineFolder, 'family'>>): PreviewImage {
  const [, channels, height, width] = dims as [number, number, number, number];
  const sdxl = !space.pixelSpace && space.family === 'sdxl';
  const colours = space.pixelSpace ? RGB_IDENTITY : sdxl ? SDXL_LATENT_RGB : SD_LATENT_RGB;
  const bias = sdxl ? SDXL_LATENT_RGB_BIAS : NO_BIAS;
  const plane = height * width;
  const rgb = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      let value = bias[c]!;
      for (let k = 0; k < Math.min(channels, colours.length); k++) value += latent[k * plane + p]! * colours[k]![c]!;
      rgb[p * 3 + c] = Math.max(0, Math.min(255, Math.round((value + 1) * 127.5)));
    }
  }
  return { width, height, pngBase64: Buffer.from(encodeRgbPng(rgb, width, height, {})).toString('base64') };
}
