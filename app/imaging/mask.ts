import type { ImageBatch } from './image-batch.js';

/**
 * MASK values: ComfyUI's masks, a batch of single-channel planes [B, H, W] of float32, 1 where a
 * region applies and 0 where it does not (ConditioningSetMask reads them; SolidMask and ImageToMask
 * make them).
 */
export interface MaskBatch {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  /** B·H·W values, plane after plane. */
  readonly values: Float32Array;
}

/**
 * LoadImage's MASK, as ComfyUI's: 1 − alpha of an image with an alpha channel (grey + alpha, or
 * RGBA: where ComfyUI's mask editor erased, the mask is 1); a 64×64 zero mask for an image without.
 */
export function maskFromAlpha(samples: Uint8Array, channels: number, height: number, width: number): MaskBatch {
  if (channels !== 2 && channels !== 4) return { batch: 1, height: 64, width: 64, values: new Float32Array(64 * 64) };
  const values = new Float32Array(height * width);
  for (let p = 0; p < values.length; p++) values[p] = 1 - samples[p * channels + channels - 1]! / 255;
  return { batch: 1, height, width, values };
}

/** MaskToImage: each plane as a grey RGB image (ComfyUI's expand to 3 channels). */
export function maskToImage(mask: MaskBatch): ImageBatch {
  const pixels = new Float32Array(mask.values.length * 3);
  mask.values.forEach((value, p) => pixels.fill(value, p * 3, p * 3 + 3));
  return { batch: mask.batch, height: mask.height, width: mask.width, pixels };
}

declare module '../engine/socket-values.js' {
  interface SocketValueMap {
    MASK: MaskBatch;
  }
}
