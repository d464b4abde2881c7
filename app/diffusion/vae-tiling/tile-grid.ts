/**
 * Where the tiles of a tiled VAE decode lie. Tiles partition the latent (no overlap: every output
 * pixel belongs to exactly one tile's core); at a decoder level of `scale` pixels per latent pixel
 * a tile's core is its latent rectangle times `scale`, and the region a segment reads is that core
 * widened by the segment's halo and clipped to the image — at the image border the convolutions'
 * own zero padding then applies, exactly as in a full decode.
 */
import { UserFacingError } from '../../protocol/user-facing-error.js';

/** A half-open rectangle [top, bottom) × [left, right) in pixels of one resolution. */
export interface Rect {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

export interface Size {
  readonly height: number;
  readonly width: number;
}

/**
 * Splits [0, length) into ceil(length / tile) nearly equal spans (sizes differ by at most one):
 * a 100-pixel side with 64-pixel tiles gives 50 + 50, not 64 + 36, so no tile is a sliver whose
 * halo would cost more than its core.
 */
function spans(length: number, tile: number): Array<[number, number]> {
  const count = Math.ceil(length / tile);
  return Array.from({ length: count }, (_, i) => [Math.floor((i * length) / count), Math.floor(((i + 1) * length) / count)]);
}

/** Tiles of at most `tileSize` latent pixels a side covering a `size` latent, row by row. */
export function tileGrid(size: Size, tileSize: number): Rect[] {
  if (!Number.isInteger(tileSize) || tileSize < 1) throw new UserFacingError(`tile size ${tileSize} must be a positive whole number of latent pixels`);
  if (!Number.isInteger(size.height) || !Number.isInteger(size.width) || size.height < 1 || size.width < 1) {
    throw new UserFacingError(`latent size ${size.height}×${size.width} must be positive whole numbers`);
  }
  const rows = spans(size.height, tileSize);
  const columns = spans(size.width, tileSize);
  return rows.flatMap(([top, bottom]) => columns.map(([left, right]) => ({ top, left, bottom, right })));
}

export function scaleRect(rect: Rect, factor: number): Rect {
  return { top: rect.top * factor, left: rect.left * factor, bottom: rect.bottom * factor, right: rect.right * factor };
}

/** `rect` widened by `halo` on every side, clipped to [0, bounds). */
export function expandRect(rect: Rect, halo: number, bounds: Size): Rect {
  return {
    top: Math.max(0, rect.top - halo),
    left: Math.max(0, rect.left - halo),
    bottom: Math.min(bounds.height, rect.bottom + halo),
    right: Math.min(bounds.width, rect.right + halo),
  };
}

export const rectHeight = (rect: Rect): number => rect.bottom - rect.top;
export const rectWidth = (rect: Rect): number => rect.right - rect.left;
export const rectArea = (rect: Rect): number => rectHeight(rect) * rectWidth(rect);

/** The placement of one tile in one segment: what it reads and which part of its output is kept. */
export interface TilePlacement {
  /** Region of the segment's input read for this tile (input pixels). */
  input: Rect;
  /** The tile's core at the segment's output resolution: what is written back. */
  core: Rect;
  /** The core relative to the output of the input region: [row, column] start and end. */
  cropStart: [number, number];
  cropEnd: [number, number];
}

/**
 * Where `tile` (latent pixels) reads and writes in a segment that maps `inputScale` to
 * `outputScale` pixels per latent pixel with `halo` input pixels of context, on a `latent`-sized
 * latent.
 */
export function placeTile(tile: Rect, latent: Size, segment: { inputScale: number; outputScale: number; halo: number }): TilePlacement {
  const { inputScale, outputScale, halo } = segment;
  if (outputScale % inputScale !== 0) throw new RangeError(`a segment's output scale (${outputScale}) must be a multiple of its input scale (${inputScale})`);
  const input = expandRect(scaleRect(tile, inputScale), halo, { height: latent.height * inputScale, width: latent.width * inputScale });
  const regionOut = scaleRect(input, outputScale / inputScale);
  const core = scaleRect(tile, outputScale);
  return {
    input,
    core,
    cropStart: [core.top - regionOut.top, core.left - regionOut.left],
    cropEnd: [core.bottom - regionOut.top, core.right - regionOut.left],
  };
}
