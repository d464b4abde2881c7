/**
 * IMAGE values: a batch of RGB images as float32 NHWC in [0, 1], the layout ComfyUI uses, so nodes
 * that crop, tile or save never juggle channel-first data.
 */
export interface ImageBatch {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  /** NHWC, 3 channels, values in [0, 1]. */
  readonly pixels: Float32Array;
}

export function imageAt(images: ImageBatch, index: number): Float32Array {
  const size = images.height * images.width * 3;
  return images.pixels.subarray(index * size, (index + 1) * size);
}

/** Rounds to 8 bits the way PIL does for `(x * 255).clip(0, 255).astype(uint8)` after +0.5. */
export function toRgb8(pixels: Float32Array): Uint8Array {
  const bytes = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const value = Math.round(pixels[i]! * 255);
    bytes[i] = value < 0 ? 0 : value > 255 ? 255 : value;
  }
  return bytes;
}

export function fromRgb8(bytes: Uint8Array | Uint8ClampedArray, channels: number, height: number, width: number): Float32Array {
  const pixels = new Float32Array(height * width * 3);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < 3; c++) pixels[p * 3 + c] = bytes[p * channels + Math.min(c, channels - 1)]! / 255;
  }
  return pixels;
}
