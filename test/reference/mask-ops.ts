/**
 * ComfyUI's mask nodes (comfy_extras/nodes_mask.py) written naively on [B, H, W] arrays, with the
 * Python and library semantics spelled out: slices clipped to the array, `output[:, :, -x]` with
 * Python's negative indexing (−0 is 0), scipy.ndimage.grey_dilation / grey_erosion with a 3×3
 * footprint in its default mode "reflect" (d c b a | a b c d | d c b a), torch's bool ops.
 */
import { NdArray } from './ndarray.js';

type Planes = NdArray; // [B, H, W]

const dims = (mask: Planes) => mask.shape as [number, number, number];
const map = (mask: Planes, f: (value: number) => number) => new NdArray(mask.shape, mask.data.map(f));

export const invert = (mask: Planes) => map(mask, (v) => 1 - v);
export const threshold = (mask: Planes, value: number) => map(mask, (v) => (v > value ? 1 : 0));

/** MaskToImage: [B, H, W] → [B, H, W, 3] */
export function toImage(mask: Planes): NdArray {
  const [b, h, w] = dims(mask);
  return new NdArray([b, h, w, 3], Float32Array.from({ length: b * h * w * 3 }, (_, i) => mask.data[Math.floor(i / 3)]!));
}

/** Python's slice start:stop clipped to n. */
const clip = (start: number, stop: number, n: number): [number, number] => [Math.min(start, n), Math.min(Math.max(stop, Math.min(start, n)), n)];

export function crop(mask: Planes, x: number, y: number, width: number, height: number): Planes {
  const [b, h, w] = dims(mask);
  const [top, bottom] = clip(y, y + height, h);
  const [left, right] = clip(x, x + width, w);
  const out: number[] = [];
  for (let n = 0; n < b; n++) for (let row = top; row < bottom; row++) for (let col = left; col < right; col++) out.push(mask.at(n, row, col));
  return new NdArray([b, bottom - top, right - left], Float32Array.from(out));
}

export function feather(mask: Planes, left: number, top: number, right: number, bottom: number): Planes {
  const [b, h, w] = dims(mask);
  const out = mask.data.slice();
  const py = (index: number, n: number) => (index < 0 ? n + index : index);
  const scaleColumn = (col: number, rate: number) => {
    for (let n = 0; n < b; n++) for (let row = 0; row < h; row++) out[(n * h + row) * w + col] = Math.fround(out[(n * h + row) * w + col]! * rate);
  };
  const scaleRow = (row: number, rate: number) => {
    for (let n = 0; n < b; n++) for (let col = 0; col < w; col++) out[(n * h + row) * w + col] = Math.fround(out[(n * h + row) * w + col]! * rate);
  };
  const [l, r, t, bo] = [Math.min(left, w), Math.min(right, w), Math.min(top, h), Math.min(bottom, h)];
  for (let x = 0; x < l; x++) scaleColumn(x, (x + 1) / l);
  for (let x = 0; x < r; x++) scaleColumn(py(-x, w), (x + 1) / r);
  for (let y = 0; y < t; y++) scaleRow(y, (y + 1) / t);
  for (let y = 0; y < bo; y++) scaleRow(py(-y, h), (y + 1) / bo);
  return new NdArray(mask.shape, out);
}

/** scipy's "reflect" boundary: −1 → 0, n → n − 1 (the edge repeated). */
const reflect = (i: number, n: number) => (i < 0 ? -i - 1 : i >= n ? 2 * n - i - 1 : i);

export function grow(mask: Planes, expand: number, taperedCorners: boolean): Planes {
  const [b, h, w] = dims(mask);
  const c = taperedCorners ? 0 : 1;
  const footprint = [
    [c, 1, c],
    [1, 1, 1],
    [c, 1, c],
  ];
  let data = mask.data.slice();
  for (let round = 0; round < Math.abs(expand); round++) {
    const previous = data;
    data = new Float32Array(previous.length);
    for (let n = 0; n < b; n++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let result = expand < 0 ? Infinity : -Infinity;
          for (let i = 0; i < 3; i++) {
            for (let j = 0; j < 3; j++) {
              if (!footprint[i]![j]) continue;
              const value = previous[(n * h + reflect(y + i - 1, h)) * w + reflect(x + j - 1, w)]!;
              result = expand < 0 ? Math.min(result, value) : Math.max(result, value);
            }
          }
          data[(n * h + y) * w + x] = result;
        }
      }
    }
  }
  return new NdArray(mask.shape, data);
}

export function composite(destination: Planes, source: Planes, x: number, y: number, operation: string): Planes {
  const [b, h, w] = dims(destination);
  const [sb, sh, sw] = dims(source);
  const out = destination.data.slice();
  const right = Math.min(x + sw, w);
  const bottom = Math.min(y + sh, h);
  for (let n = 0; n < b; n++) {
    for (let row = y; row < bottom; row++) {
      for (let col = x; col < right; col++) {
        const d = out[(n * h + row) * w + col]!;
        const s = source.at(sb === 1 ? 0 : n, row - y, col - x);
        const value =
          operation === 'multiply' ? d * s
          : operation === 'add' ? d + s
          : operation === 'subtract' ? d - s
          : operation === 'and' ? Number(d !== 0 && s !== 0)
          : operation === 'or' ? Number(d !== 0 || s !== 0)
          : Number((d !== 0) !== (s !== 0));
        out[(n * h + row) * w + col] = value;
      }
    }
  }
  return new NdArray(destination.shape, out.map((v) => Math.min(1, Math.max(0, v))));
}
