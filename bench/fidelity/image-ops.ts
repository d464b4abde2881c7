/**
 * The 8-bit RGB image operations the fidelity benchmark needs: area-average downscaling (to put a
 * 64² or 128² generation next to the 32² training distribution), nearest and bilinear upscaling
 * (the "generate small, then enlarge" baseline), and a grid of images written as one PNG.
 *
 * The image type and the area resampler are the training data's own (tools/train/training-pixels),
 * so a generated image shrunk to 32² is resampled exactly as the training set was.
 */
import { writeFile } from 'node:fs/promises';
import { encodeRgbPng } from '../../app/imaging/png-metadata.js';
import { resizeByArea, type RgbImage } from '../../tools/train/training-pixels.js';
import { fidelityInputError } from './input-error.js';

export type { RgbImage };
export { fidelityInputError, resizeByArea };

export type Rgb = readonly [number, number, number];

export function assertRgbImage(image: RgbImage, field: string): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw fidelityInputError(field, `width and height must be positive integers, got ${width}×${height}`);
  }
  if (!(data instanceof Uint8Array) || data.length !== width * height * 3) {
    throw fidelityInputError(field, `data must be a Uint8Array of width·height·3 = ${width * height * 3} bytes (RGB), got ${data?.length ?? 'none'}`);
  }
}

function assertFactor(factor: number, field: string): void {
  if (!Number.isInteger(factor) || factor < 1) throw fidelityInputError(field, `must be a positive integer, got ${factor}`);
}

/**
 * Each output pixel is the mean of a factor×factor block. Square images only, because the training
 * resampler produces square outputs (every image in this benchmark is square).
 */
export function downscaleByFactor(image: RgbImage, factor: number): RgbImage {
  assertRgbImage(image, 'downscaleByFactor.image');
  assertFactor(factor, 'downscaleByFactor.factor');
  if (image.width !== image.height || image.width % factor !== 0) {
    throw fidelityInputError('downscaleByFactor.image', `must be square with a side divisible by ${factor}, got ${image.width}×${image.height}`);
  }
  return resizeByArea(image, image.width / factor);
}

/** Every source pixel becomes a factor×factor block: the exact inverse of downscaleByFactor. */
export function upscaleNearest(image: RgbImage, factor: number): RgbImage {
  assertRgbImage(image, 'upscaleNearest.image');
  assertFactor(factor, 'upscaleNearest.factor');
  const width = image.width * factor;
  const height = image.height * factor;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const source = (Math.floor(y / factor) * image.width + Math.floor(x / factor)) * 3;
      data.set(image.data.subarray(source, source + 3), (y * width + x) * 3);
    }
  }
  return { width, height, data };
}

/**
 * Bilinear resampling with pixel centres at half-integers and edge clamping — PyTorch's
 * `interpolate(mode='bilinear', align_corners=False)` and PIL's BILINEAR when enlarging.
 */
export function resizeBilinear(image: RgbImage, width: number, height: number): RgbImage {
  assertRgbImage(image, 'resizeBilinear.image');
  assertFactor(width, 'resizeBilinear.width');
  assertFactor(height, 'resizeBilinear.height');
  const xs = bilinearTaps(image.width, width);
  const ys = bilinearTaps(image.height, height);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const [y0, y1, wy] = ys[y]!;
    for (let x = 0; x < width; x++) {
      const [x0, x1, wx] = xs[x]!;
      for (let c = 0; c < 3; c++) {
        const at = (sy: number, sx: number): number => image.data[(sy * image.width + sx) * 3 + c]!;
        const top = at(y0, x0) * (1 - wx) + at(y0, x1) * wx;
        const bottom = at(y1, x0) * (1 - wx) + at(y1, x1) * wx;
        data[(y * width + x) * 3 + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return { width, height, data };
}

/** For each output index: the two source indices around its centre and the weight of the second. */
function bilinearTaps(sourceSize: number, outputSize: number): Array<[number, number, number]> {
  const scale = sourceSize / outputSize;
  return Array.from({ length: outputSize }, (_, o) => {
    const centre = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), sourceSize - 1);
    const low = Math.floor(centre);
    return [low, Math.min(low + 1, sourceSize - 1), centre - low];
  });
}

export interface GridOptions {
  /** Pixels between cells (and none around the border); default 1. */
  readonly gap?: number;
  /** Colour of the gap lines, grey by default so that white-background cells stay distinguishable. */
  readonly gapColour?: Rgb;
}

const WHITE = 255;

/**
 * rows[r][c] placed in a grid of equal cells sized to the largest image, each centred on white.
 * Rows may differ in length; missing cells stay white. Labels belong in the accompanying markdown.
 */
export function composeGrid(rows: ReadonlyArray<ReadonlyArray<RgbImage>>, options: GridOptions = {}): RgbImage {
  const gap = options.gap ?? 1;
  const gapColour = options.gapColour ?? [160, 160, 160];
  if (!Number.isInteger(gap) || gap < 0) throw fidelityInputError('composeGrid.options.gap', `must be a non-negative integer, got ${gap}`);
  const columns = Math.max(0, ...rows.map((row) => row.length));
  if (rows.length === 0 || columns === 0) throw fidelityInputError('composeGrid.rows', 'needs at least one image');
  rows.forEach((row, r) => row.forEach((image, c) => assertRgbImage(image, `composeGrid.rows[${r}][${c}]`)));
  const cellWidth = Math.max(...rows.flat().map((image) => image.width));
  const cellHeight = Math.max(...rows.flat().map((image) => image.height));
  const width = columns * cellWidth + (columns - 1) * gap;
  const height = rows.length * cellHeight + (rows.length - 1) * gap;
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(gapColour, p * 3);
  rows.forEach((row, r) => {
    for (let c = 0; c < columns; c++) {
      const left = c * (cellWidth + gap);
      const top = r * (cellHeight + gap);
      for (let y = top; y < top + cellHeight; y++) data.fill(WHITE, (y * width + left) * 3, (y * width + left + cellWidth) * 3);
      const image = row[c];
      if (image !== undefined) paste(data, width, image, left + Math.floor((cellWidth - image.width) / 2), top + Math.floor((cellHeight - image.height) / 2));
    }
  });
  return { width, height, data };
}

function paste(target: Uint8Array, targetWidth: number, image: RgbImage, left: number, top: number): void {
  for (let y = 0; y < image.height; y++) {
    target.set(image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3), ((top + y) * targetWidth + left) * 3);
  }
}

export async function writePng(path: string, image: RgbImage): Promise<void> {
  assertRgbImage(image, 'writePng.image');
  await writeFile(path, encodeRgbPng(image.data, image.width, image.height, {}));
}
