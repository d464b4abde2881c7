/**
 * ImageScale and ImageScaleBy (ComfyUI nodes.py): an IMAGE resized by common_upscale, with
 * ComfyUI's size rules. Values are not clamped, as in ComfyUI (bicubic may overshoot [0, 1] a little;
 * saving clamps); lanczos goes through 8 bits, as ComfyUI's goes through Pillow.
 */
import { commonUpscale, imageToPlanes, planesToImage, pythonRound, type CropMode, type UpscaleMethod } from './common-upscale.js';
import type { ImageBatch } from './image-batch.js';

export const IMAGE_UPSCALE_METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos'] as const;

/**
 * common_upscale on an IMAGE, also when the size stays: lanczos then still takes the image through
 * 8 bits, as ComfyUI's ImageScale, ImageScaleBy and ImageStitch call it unconditionally.
 */
export function resizeImage(images: ImageBatch, width: number, height: number, method: UpscaleMethod, crop: CropMode): ImageBatch {
  const planes = commonUpscale(imageToPlanes(images), [images.batch, 3, images.height, images.width], height, width, method, crop);
  return planesToImage(planes, images.batch, height, width);
}

/** ImageScale's size rule: both 0 keeps the image, one 0 follows the aspect ratio (at least 1 pixel). */
export function imageScaleTarget(images: ImageBatch, width: number, height: number): { width: number; height: number } {
  if (width === 0 && height === 0) return { width: images.width, height: images.height };
  if (width === 0) return { width: Math.max(1, pythonRound((images.width * height) / images.height)), height };
  if (height === 0) return { width, height: Math.max(1, pythonRound((images.height * width) / images.width)) };
  return { width, height };
}

/** ImageScaleBy's size rule: each side times the factor, rounded. */
export function imageScaleByTarget(images: ImageBatch, scaleBy: number): { width: number; height: number } {
  return { width: pythonRound(images.width * scaleBy), height: pythonRound(images.height * scaleBy) };
}
