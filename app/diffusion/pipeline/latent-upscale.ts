/**
 * LatentUpscale and LatentUpscaleBy (ComfyUI nodes.py): a latent resized in latent pixels by
 * common_upscale. An empty latent (EmptyLatentImage's, not yet in a model's space) stays empty: all
 * zeros resize to zeros, so only its image size changes. A noise mask stays as it is (ComfyUI copies
 * the latent's dict); the Sampler resizes it to whatever latent it meets.
 */
import { commonUpscale, pythonRound, type CropMode, type UpscaleMethod } from '../../imaging/common-upscale.js';
import type { LatentValue } from './values.js';

/** ComfyUI's factor when a latent does not say which model made it. */
const COMFY_VAE_FACTOR = 8;

/** A target in latent pixels, or for an empty latent in image pixels. */
export interface LatentTarget {
  readonly width: number;
  readonly height: number;
}

export function resizeLatent(value: LatentValue, target: (width: number, height: number, factor: number) => LatentTarget, method: UpscaleMethod, crop: CropMode): LatentValue {
  if ('emptyImage' in value) {
    const { batch, width, height } = value.emptyImage;
    return { emptyImage: { batch, ...target(width, height, 1) }, ...keptMask(value) };
  }
  const [batch, channels, height, width] = value.dims;
  const factor = value.vaeScaleFactor ?? COMFY_VAE_FACTOR;
  const size = target(width, height, factor);
  const samples = commonUpscale(value.samples, value.dims, size.height, size.width, method, crop);
  return { samples, dims: [batch, channels, size.height, size.width], ...(value.vaeScaleFactor === undefined ? {} : { vaeScaleFactor: factor }), ...keptMask(value) };
}

const keptMask = (value: LatentValue) => (value.noiseMask ? { noiseMask: value.noiseMask } : {});

/**
 * LatentUpscale's size rule in image pixels: both 0 keeps the latent; one 0 follows the aspect
 * ratio; each side at least 64 pixels; then whole latent pixels (÷ factor, rounded down).
 * `width`/`height` are the latent's own, in latent pixels (image pixels for an empty latent, factor 1).
 */
export function latentUpscaleTarget(asked: { width: number; height: number }, width: number, height: number, factor: number): LatentTarget {
  if (asked.width === 0 && asked.height === 0) return { width, height };
  const minimum = 64;
  const toWidth = asked.width === 0 ? Math.max(minimum, pythonRound((width * Math.max(minimum, asked.height)) / height)) : Math.max(minimum, asked.width);
  const toHeight = asked.height === 0 ? Math.max(minimum, pythonRound((height * Math.max(minimum, asked.width)) / width)) : Math.max(minimum, asked.height);
  return { width: Math.floor(toWidth / factor), height: Math.floor(toHeight / factor) };
}

/** LatentUpscaleBy's size rule: each latent side times the factor, rounded (Python's round: half to even). */
export function latentScaleByTarget(scaleBy: number, width: number, height: number): LatentTarget {
  return { width: pythonRound(width * scaleBy), height: pythonRound(height * scaleBy) };
}
