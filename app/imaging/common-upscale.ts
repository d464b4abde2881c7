/**
 * ComfyUI's comfy.utils.common_upscale on NCHW data: an optional centre crop to the target's aspect
 * ratio, then a resize by one of its methods. LatentUpscale(By) and ImageScale(By) share it, as in
 * ComfyUI; an IMAGE goes through it channel-first (imageToPlanes / planesToImage).
 */
import { bislerp } from './bislerp.js';
import type { ImageBatch } from './image-batch.js';
import { lanczosPlanes } from './lanczos.js';
import { interpolatePlanes, type InterpolateMode } from './resampling-taps.js';

export const LATENT_UPSCALE_METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'bislerp'] as const;
export type UpscaleMethod = InterpolateMode | 'bislerp' | 'lanczos';
export const CROP_MODES = ['disabled', 'center'] as const;
export type CropMode = (typeof CROP_MODES)[number];

export type Nchw = readonly [batch: number, channels: number, height: number, width: number];

/** Python 3's round(), which ComfyUI's size rules use: ties go to the even neighbour. */
export function pythonRound(value: number): number {
  const floor = Math.floor(value);
  if (value - floor !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * The centre window with the target's aspect ratio (ComfyUI's rule: the offset on the too-long side
 * is round((old − old·new_aspect/old_aspect) / 2), taken off both ends).
 */
export function centerCropWindow(height: number, width: number, toHeight: number, toWidth: number): { top: number; left: number; height: number; width: number } {
  const oldAspect = width / height;
  const newAspect = toWidth / toHeight;
  const left = oldAspect > newAspect ? pythonRound((width - width * (newAspect / oldAspect)) / 2) : 0;
  const top = oldAspect < newAspect ? pythonRound((height - height * (oldAspect / newAspect)) / 2) : 0;
  return { top, left, height: height - 2 * top, width: width - 2 * left };
}

function cropPlanes(data: Float32Array, dims: Nchw, window: { top: number; left: number; height: number; width: number }): Float32Array {
  const [batch, channels, height, width] = dims;
  const out = new Float32Array(batch * channels * window.height * window.width);
  for (let plane = 0; plane < batch * channels; plane++) {
    for (let y = 0; y < window.height; y++) {
      const from = (plane * height + window.top + y) * width + window.left;
      out.set(data.subarray(from, from + window.width), (plane * window.height + y) * window.width);
    }
  }
  return out;
}

export function commonUpscale(data: Float32Array, dims: Nchw, toHeight: number, toWidth: number, method: UpscaleMethod, crop: CropMode): Float32Array {
  const [batch, channels, height, width] = dims;
  const window = crop === 'center' ? centerCropWindow(height, width, toHeight, toWidth) : { top: 0, left: 0, height, width };
  const source = window.height === height && window.width === width ? data : cropPlanes(data, dims, window);
  if (method === 'bislerp') return bislerp(source, [batch, channels, window.height, window.width], toHeight, toWidth);
  if (method === 'lanczos') return lanczosPlanes(source, batch * channels, window, { height: toHeight, width: toWidth });
  return interpolatePlanes(source, batch * channels, window, { height: toHeight, width: toWidth }, method);
}

/** NHWC RGB → NCHW planes. */
export function imageToPlanes(images: ImageBatch): Float32Array {
  const { batch, height, width, pixels } = images;
  const planes = new Float32Array(pixels.length);
  const area = height * width;
  for (let n = 0; n < batch; n++) {
    for (let p = 0; p < area; p++) {
      for (let c = 0; c < 3; c++) planes[(n * 3 + c) * area + p] = pixels[(n * area + p) * 3 + c]!;
    }
  }
  return planes;
}

/** NCHW planes → an NHWC RGB batch. */
export function planesToImage(planes: Float32Array, batch: number, height: number, width: number): ImageBatch {
  const pixels = new Float32Array(planes.length);
  const area = height * width;
  for (let n = 0; n < batch; n++) {
    for (let p = 0; p < area; p++) {
      for (let c = 0; c < 3; c++) pixels[(n * area + p) * 3 + c] = planes[(n * 3 + c) * area + p]!;
    }
  }
  return { batch, height, width, pixels };
}
