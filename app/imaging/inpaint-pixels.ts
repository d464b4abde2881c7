/**
 * VAEEncodeForInpaint's preparation of the image and mask (ComfyUI nodes.py), before the VAE:
 *
 * - the mask is resized bilinearly to the image;
 * - both are cropped to whole latent pixels, centred ((side mod factor) // 2 off the start);
 * - the noise mask is the rounded mask grown by `grow_mask_by`: a g×g box sum over it with
 *   ceil((g − 1)/2) zero rows and columns of padding, clamped to [0, 1], its first H×W kept, rounded;
 * - the pixels under the rounded mask become 0.5 grey, so the VAE does not carry what was there into
 *   the latent the sampler starts from.
 *
 * Rounding is torch's (ties to even). A mask batch that does not match the image batch repeats
 * cyclically (ComfyUI's broadcast needs one or the same count).
 */
import { commonUpscale, pythonRound } from './common-upscale.js';
import type { ImageBatch } from './image-batch.js';
import type { MaskBatch } from './mask.js';

export interface InpaintPixels {
  /** The cropped image with the masked pixels grey. */
  readonly pixels: ImageBatch;
  /** The grown, rounded mask at the cropped image's size. */
  readonly noiseMask: MaskBatch;
}

export function inpaintPixels(image: ImageBatch, mask: MaskBatch, factor: number, growBy: number): InpaintPixels {
  const height = Math.floor(image.height / factor) * factor;
  const width = Math.floor(image.width / factor) * factor;
  const top = Math.floor((image.height % factor) / 2);
  const left = Math.floor((image.width % factor) / 2);
  const resized = commonUpscale(mask.values, [mask.batch, 1, mask.height, mask.width], image.height, image.width, 'bilinear', 'disabled');
  const rounded = new Float32Array(mask.batch * height * width);
  for (let b = 0; b < mask.batch; b++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) rounded[(b * height + y) * width + x] = pythonRound(resized[(b * image.height + top + y) * image.width + left + x]!);
    }
  }
  const noiseMask = growBy === 0 ? { batch: mask.batch, height, width, values: rounded } : grown(rounded, mask.batch, height, width, growBy);
  return { pixels: greyUnderMask(image, rounded, mask.batch, { top, left, height, width }), noiseMask };
}

interface Window {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/** The g×g box sum with ceil((g−1)/2) padding, clamped; output (y, x) sums rows y−pad … y−pad+g−1. */
function grown(rounded: Float32Array, batch: number, height: number, width: number, size: number): MaskBatch {
  const pad = Math.ceil((size - 1) / 2);
  const values = new Float32Array(batch * height * width);
  for (let b = 0; b < batch; b++) {
    const plane = rounded.subarray(b * height * width, (b + 1) * height * width);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) values[(b * height + y) * width + x] = boxHasMask(plane, height, width, y - pad, x - pad, size) ? 1 : 0;
    }
  }
  return { batch, height, width, values };
}

/** Whether the size×size box at (top, left) holds a masked pixel: the clamped, rounded box sum. */
function boxHasMask(plane: Float32Array, height: number, width: number, top: number, left: number, size: number): boolean {
  for (let y = Math.max(0, top); y < Math.min(height, top + size); y++) {
    for (let x = Math.max(0, left); x < Math.min(width, left + size); x++) if (plane[y * width + x]! > 0) return true;
  }
  return false;
}

function greyUnderMask(image: ImageBatch, rounded: Float32Array, maskBatch: number, window: Window): ImageBatch {
  const { height, width } = window;
  const pixels = new Float32Array(image.batch * height * width * 3);
  for (let b = 0; b < image.batch; b++) {
    const maskBase = (b % maskBatch) * height * width;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const keep = 1 - rounded[maskBase + y * width + x]!;
        const from = ((b * image.height + window.top + y) * image.width + window.left + x) * 3;
        const to = ((b * height + y) * width + x) * 3;
        for (let c = 0; c < 3; c++) pixels[to + c] = (image.pixels[from + c]! - 0.5) * keep + 0.5;
      }
    }
  }
  return { batch: image.batch, height, width, pixels };
}
