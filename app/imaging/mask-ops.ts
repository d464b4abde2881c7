/**
 * ComfyUI's mask operations (comfy_extras/nodes_mask.py) on MASK values [B, H, W]: every plane of a
 * batch alike. Quirks kept on purpose, so a shared workflow gives ComfyUI's mask:
 * - FeatherMask's right and bottom ramps index from the end as Python's `-x`, so their x = 0 step
 *   (factor 1/n) lands on the first column (row), and the last column gets 2/n;
 * - MaskComposite clamps the whole result to [0, 1]; "and", "or", "xor" treat non-zero as true.
 */
import type { MaskBatch } from './mask.js';

export const COMPOSITE_OPERATIONS = ['multiply', 'add', 'subtract', 'and', 'or', 'xor'] as const;
export type CompositeOperation = (typeof COMPOSITE_OPERATIONS)[number];

const withValues = (mask: MaskBatch, values: Float32Array): MaskBatch => ({ batch: mask.batch, height: mask.height, width: mask.width, values });

export function invertMask(mask: MaskBatch): MaskBatch {
  return withValues(mask, mask.values.map((value) => 1 - value));
}

export function thresholdMask(mask: MaskBatch, value: number): MaskBatch {
  return withValues(mask, mask.values.map((v) => (v > value ? 1 : 0)));
}

/** mask[:, y:y+height, x:x+width], the window clipped to the mask as Python's slices are (possibly empty). */
export function cropMask(mask: MaskBatch, x: number, y: number, width: number, height: number): MaskBatch {
  const left = Math.min(x, mask.width);
  const top = Math.min(y, mask.height);
  const outWidth = Math.min(mask.width, x + width) - left;
  const outHeight = Math.min(mask.height, y + height) - top;
  const values = new Float32Array(mask.batch * outHeight * outWidth);
  for (let b = 0; b < mask.batch; b++) {
    for (let row = 0; row < outHeight; row++) {
      const from = (b * mask.height + top + row) * mask.width + left;
      values.set(mask.values.subarray(from, from + outWidth), (b * outHeight + row) * outWidth);
    }
  }
  return { batch: mask.batch, height: outHeight, width: outWidth, values };
}

/** Linear ramps on each side; see the module comment for the right and bottom sides' Python indexing. */
export function featherMask(mask: MaskBatch, sides: { left: number; top: number; right: number; bottom: number }): MaskBatch {
  const { height, width } = mask;
  const columns = new Float32Array(width).fill(1);
  const rows = new Float32Array(height).fill(1);
  rampFromStart(columns, Math.min(sides.left, width));
  rampFromEnd(columns, Math.min(sides.right, width));
  rampFromStart(rows, Math.min(sides.top, height));
  rampFromEnd(rows, Math.min(sides.bottom, height));
  return withValues(mask, mask.values.map((value, i) => value * rows[Math.floor(i / width) % height]! * columns[i % width]!));
}

function rampFromStart(factors: Float32Array, count: number): void {
  for (let t = 0; t < count; t++) factors[t]! *= (t + 1) / count;
}

/** Python's output[-t] for t = 0 … count − 1: index 0 first, then from the end. */
function rampFromEnd(factors: Float32Array, count: number): void {
  for (let t = 0; t < count; t++) factors[t === 0 ? 0 : factors.length - t]! *= (t + 1) / count;
}

/**
 * |expand| rounds of grey dilation (expand > 0) or erosion (< 0) with a 3×3 footprint, the cross
 * without its corners when `taperedCorners` (scipy.ndimage's grey_dilation/grey_erosion; at the
 * border its reflected neighbours repeat pixels already in the footprint, so they are left out).
 */
export function growMask(mask: MaskBatch, expand: number, taperedCorners: boolean): MaskBatch {
  let values = mask.values;
  const pick = expand < 0 ? Math.min : Math.max;
  for (let round = 0; round < Math.abs(expand); round++) {
    const next = morphologyStep(values, mask, pick, taperedCorners);
    // A step that changes nothing is a fixed point: the remaining rounds would not either (and an
    // expand far beyond the mask's size then costs no more than filling it).
    if (next.every((value, i) => value === values[i])) break;
    values = next;
  }
  return withValues(mask, values === mask.values ? values.slice() : values);
}

function morphologyStep(values: Float32Array, { height, width }: MaskBatch, pick: (a: number, b: number) => number, tapered: boolean): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const y = Math.floor(i / width) % height;
    const x = i % width;
    let result = values[i]!;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        if ((tapered && dy !== 0 && dx !== 0) || y + dy < 0 || y + dy >= height || x + dx < 0 || x + dx >= width) continue;
        result = pick(result, values[i + dy * width + dx]!);
      }
    }
    out[i] = result;
  }
  return out;
}

/** `source` combined into `destination` at (x, y) over their overlap; the source batch repeats over the destination's. */
export function compositeMasks(destination: MaskBatch, source: MaskBatch, x: number, y: number, operation: CompositeOperation): MaskBatch {
  const values = destination.values.slice();
  const visibleWidth = Math.min(x + source.width, destination.width) - x;
  const visibleHeight = Math.min(y + source.height, destination.height) - y;
  const combine = COMBINE[operation];
  for (let b = 0; b < destination.batch; b++) {
    const sourceBase = (b % source.batch) * source.height * source.width;
    for (let row = 0; row < visibleHeight; row++) {
      for (let column = 0; column < visibleWidth; column++) {
        const at = (b * destination.height + y + row) * destination.width + x + column;
        values[at] = combine(values[at]!, source.values[sourceBase + row * source.width + column]!);
      }
    }
  }
  return withValues(destination, values.map((value) => Math.min(1, Math.max(0, value))));
}

const truth = (value: number) => value !== 0;
const COMBINE: Record<CompositeOperation, (destination: number, source: number) => number> = {
  multiply: (d, s) => d * s,
  add: (d, s) => d + s,
  subtract: (d, s) => d - s,
  and: (d, s) => Number(truth(d) && truth(s)),
  or: (d, s) => Number(truth(d) || truth(s)),
  xor: (d, s) => Number(truth(d) !== truth(s)),
};
