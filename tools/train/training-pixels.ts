/**
 * A decoded emoji PNG → the training image: RGB on a white background at the training size.
 * White, because all three emoji styles are drawn for light backgrounds (Twemoji and Noto use dark
 * outlines), and a flat background makes "the object" easy to find for the repetition measure.
 */
import { readFile } from 'node:fs/promises';
import { Resvg } from '@resvg/resvg-js';
import { convertIndexedToRgb, decode } from 'fast-png';

export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** Row-major RGB, 3 bytes a pixel. */
  readonly data: Uint8Array;
}

/**
 * An emoji file (PNG, or SVG drawn at `svgWidth` pixels wide) as RGB on white. SVGs are drawn at
 * the PNG sets' 64 px so every source reaches the training size through the same area resampling.
 */
export async function readOnWhite(path: string, svgWidth = 64): Promise<RgbImage> {
  const bytes = await readFile(path);
  if (!path.endsWith('.svg')) return decodeOnWhite(bytes);
  // No system fonts: emoji SVGs are paths only, and font discovery is slow and machine-dependent.
  const drawn = new Resvg(bytes, { fitTo: { mode: 'width', value: svgWidth }, font: { loadSystemFonts: false } }).render();
  return decodeOnWhite(drawn.asPng());
}

/** Decode any PNG colour type / bit depth to RGB composited over white. */
export function decodeOnWhite(png: Uint8Array): RgbImage {
  const decoded = decode(png);
  const indexed = decoded.palette !== undefined;
  const samples = indexed ? convertIndexedToRgb(decoded) : decoded.data;
  // fast-png folds a tRNS chunk into 4-entry palette colours (decoded.transparency stays unset), so
  // the expanded layout is read from the palette, not from the transparency field.
  const channels = indexed ? decoded.palette![0]!.length : decoded.channels;
  const max = indexed ? 255 : 2 ** decoded.depth - 1;
  const { width, height } = decoded;
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const [r, g, b, a] = pixelAt(samples, p, channels, max);
    // Straight (non-premultiplied) alpha, as PNG stores it: out = a·c + (1 − a)·white.
    data[p * 3] = Math.round(a * r + (1 - a) * 255);
    data[p * 3 + 1] = Math.round(a * g + (1 - a) * 255);
    data[p * 3 + 2] = Math.round(a * b + (1 - a) * 255);
  }
  return { width, height, data };
}

/** [r, g, b] in 0…255 and alpha in 0…1 for grey, grey+alpha, RGB and RGBA layouts. */
function pixelAt(samples: ArrayLike<number>, p: number, channels: number, max: number): [number, number, number, number] {
  const at = (i: number): number => (samples[p * channels + i]! * 255) / max;
  switch (channels) {
    case 1: return [at(0), at(0), at(0), 1];
    case 2: return [at(0), at(0), at(0), at(1) / 255];
    case 3: return [at(0), at(1), at(2), 1];
    case 4: return [at(0), at(1), at(2), at(3) / 255];
    default: throw new Error(`PNG with ${channels} channels: expected 1 to 4`);
  }
}

/**
 * Area-average resampling (each output pixel is the mean of the source area it covers, partial
 * pixels weighted by their overlap), as PIL's Image.reduce / OpenCV's INTER_AREA do for shrinking.
 * Exact 2×2 means for 64 → 32; correct fractional weights for 72 → 32.
 */
export function resizeByArea(image: RgbImage, size: number): RgbImage {
  const data = new Uint8Array(size * size * 3);
  const xWeights = overlapWeights(image.width, size);
  const yWeights = overlapWeights(image.height, size);
  for (let oy = 0; oy < size; oy++) {
    for (let ox = 0; ox < size; ox++) {
      const sum = [0, 0, 0];
      let total = 0;
      for (const [sy, wy] of yWeights[oy]!) {
        for (const [sx, wx] of xWeights[ox]!) {
          const w = wx * wy;
          const i = (sy * image.width + sx) * 3;
          for (let c = 0; c < 3; c++) sum[c]! += w * image.data[i + c]!;
          total += w;
        }
      }
      for (let c = 0; c < 3; c++) data[(oy * size + ox) * 3 + c] = Math.round(sum[c]! / total);
    }
  }
  return { width: size, height: size, data };
}

/** For each output index, the source indices it covers with their overlap lengths. */
function overlapWeights(sourceSize: number, outputSize: number): Array<Array<[number, number]>> {
  const scale = sourceSize / outputSize;
  return Array.from({ length: outputSize }, (_, o) => {
    const start = o * scale;
    const end = start + scale;
    const covered: Array<[number, number]> = [];
    for (let s = Math.floor(start); s < Math.ceil(end - 1e-9); s++) {
      covered.push([s, Math.min(end, s + 1) - Math.max(start, s)]);
    }
    return covered;
  });
}
