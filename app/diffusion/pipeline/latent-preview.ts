/**
 * A cheap look at the latent while sampling: each latent channel contributes a fixed RGB colour,
 * the linear approximation of the SD 1.x/2.x VAE that ComfyUI and A1111 use for step previews
 * (factors fitted by Keturn, "Decoding latents to RGB without upscaling"). No VAE call needed.
 * A pixel-space model's latent is the image itself (pixel-space-vae.ts): its preview is exact.
 */
import { encodeRgbPng } from '../../imaging/png-metadata.js';
import type { PreviewImage } from '../../protocol/index.js';

const SD_LATENT_RGB: readonly (readonly [number, number, number])[] = [
  [0.298, 0.207, 0.208],
  [0.187, 0.286, 0.173],
  [-0.158, 0.189, 0.264],
  [-0.184, -0.271, -0.473],
];

/** Channel k's contribution to colour c, for a pixel-space latent: the identity. */
const RGB_IDENTITY: readonly (readonly [number, number, number])[] = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

/** Preview of the first image of a [B,C,h,w] latent (an SD latent, or RGB in [-1, 1] in pixel space), at latent resolution. */
export function latentPreview(latent: Float32Array, dims: readonly number[], space: { pixelSpace: boolean }): PreviewImage {
  const [, channels, height, width] = dims as [number, number, number, number];
  const colours = space.pixelSpace ? RGB_IDENTITY : SD_LATENT_RGB;
  const plane = height * width;
  const rgb = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      let value = 0;
      for (let k = 0; k < Math.min(channels, colours.length); k++) value += latent[k * plane + p]! * colours[k]![c]!;
      rgb[p * 3 + c] = Math.max(0, Math.min(255, Math.round((value + 1) * 127.5)));
    }
  }
  return { width, height, pngBase64: Buffer.from(encodeRgbPng(rgb, width, height, {})).toString('base64') };
}
