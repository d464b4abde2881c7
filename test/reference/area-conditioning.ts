/**
 * ComfyUI's area and mask conditioning (comfy/samplers.py: resolve_areas_and_cond_masks_multidim,
 * create_cond_with_same_area_if_none, get_area_and_mult, calc_cond_batch, cfg_function), written
 * naively on ComfyUI's own data: each entry a dict-like object with its area tuple in latent units
 * (height, width, y, x) or ["percentage", h, w, y, x], strength, mask [B, H, W], mask_strength and
 * set_area_to_bounds; the model a function of one crop and one entry. One entry is evaluated at a
 * time (ComfyUI's batching does not change the result).
 */
import { NdArray, zeros } from './ndarray.js';
import { bilinearResize } from './resampling.js';

export interface ComfyEntry {
  /** which prompt: the model function reads it */
  readonly text: number;
  area?: readonly number[] | readonly ['percentage', number, number, number, number];
  strength?: number;
  mask?: NdArray;
  mask_strength?: number;
  set_area_to_bounds?: boolean;
}

/** The model on one crop [B, C, h, w] for one entry's text. */
export type ComfyModel = (crop: NdArray, text: number) => NdArray;

const pyRound = (value: number): number => {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
};

/** resolve_areas_and_cond_masks_multidim for a 2-D latent H×W (copies, as ComfyUI modifies copies). */
export function resolveAreasAndMasks(entries: readonly ComfyEntry[], h: number, w: number): ComfyEntry[] {
  return entries.map((original) => {
    const c: ComfyEntry = { ...original };
    if (c.area && c.area[0] === 'percentage') {
      const [, ah, aw, ay, ax] = c.area as ['percentage', number, number, number, number];
      c.area = [Math.max(1, pyRound(ah * h)), Math.max(1, pyRound(aw * w)), pyRound(ay * h), pyRound(ax * w)];
    }
    if (c.mask) {
      let mask = c.mask;
      if (mask.shape[1] !== h || mask.shape[2] !== w) {
        mask = bilinearResize(mask.reshape([mask.shape[0]!, 1, mask.shape[1]!, mask.shape[2]!]), h, w).reshape([mask.shape[0]!, h, w]);
      }
      if (c.set_area_to_bounds) {
        let minX = Infinity, minY = Infinity, maxX = -1, maxY = -1;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            let bound = 0;
            for (let b = 0; b < mask.shape[0]!; b++) bound = Math.max(bound, Math.abs(mask.at(b, y, x)));
            if (bound !== 0) {
              minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y);
            }
          }
        }
        c.area = maxX < 0 ? [8, 8, 0, 0] : [Math.max(8, maxY - minY + 1), Math.max(8, maxX - minX + 1), minY, minX];
      }
      c.mask = mask;
    }
    return c;
  });
}

/** create_cond_with_same_area_if_none: appends to `conds` a copy of `c` that takes the text of the smallest entry containing it. */
export function createCondWithSameAreaIfNone(conds: ComfyEntry[], c: ComfyEntry): void {
  if (!c.area) return;
  const cArea = c.area as number[];
  const inside = (a: number[], cmp: number[]) => a[2]! >= cmp[2]! && a[3]! >= cmp[3]! && a[0]! + a[2]! <= cmp[0]! + cmp[2]! && a[1]! + a[3]! <= cmp[1]! + cmp[3]!;
  let smallest: ComfyEntry | null = null;
  for (const x of conds) {
    if (x.area) {
      const a = x.area as number[];
      if (inside(cArea, a)) {
        if (smallest === null) smallest = x;
        else if (!smallest.area) smallest = x;
        else if ((smallest.area[0] as number) * (smallest.area[1] as number) > a[0]! * a[1]!) smallest = x;
      }
    } else if (smallest === null) {
      smallest = x;
    }
  }
  if (smallest === null) return;
  if (smallest.area && (smallest.area as number[]).every((value, i) => value === cArea[i])) return;
  conds.push({ ...c, text: smallest.text });
}

/** get_area_and_mult's crop and mult [B, C, h, w] (null when the crop is empty). */
function areaAndMult(c: ComfyEntry, x: NdArray): { crop: NdArray; mult: NdArray; area: number[] } {
  const [batch, channels, h, w] = x.shape as [number, number, number, number];
  const area = c.area ? [...(c.area as number[])] : [h, w, 0, 0];
  area[0] = Math.min(h - area[2]!, area[0]!);
  area[1] = Math.min(w - area[3]!, area[1]!);
  const [ah, aw, ay, ax] = area as [number, number, number, number];
  const crop = zeros([batch, channels, ah, aw]);
  const mult = zeros([batch, channels, ah, aw]);
  const strength = c.strength ?? 1;
  for (let b = 0; b < batch; b++) {
    for (let ch = 0; ch < channels; ch++) {
      for (let y = 0; y < ah; y++) {
        for (let xx = 0; xx < aw; xx++) {
          const i = ((b * channels + ch) * ah + y) * aw + xx;
          crop.data[i] = x.at(b, ch, ay + y, ax + xx);
          const maskValue = c.mask ? c.mask.at(b % c.mask.shape[0]!, ay + y, ax + xx) * (c.mask_strength ?? 1) : 1;
          mult.data[i] = maskValue * strength;
        }
      }
    }
  }
  if (!c.mask && c.area) {
    const fuzz = 8;
    const rows = Math.min(fuzz, Math.floor(ah / 4));
    const cols = Math.min(fuzz, Math.floor(aw / 4));
    const scaleRow = (y: number, factor: number) => forEach(mult, (b, ch, yy, xx, i) => { if (yy === y) mult.data[i]! *= factor; });
    const scaleCol = (x0: number, factor: number) => forEach(mult, (b, ch, yy, xx, i) => { if (xx === x0) mult.data[i]! *= factor; });
    if (ay !== 0) for (let t = 0; t < rows; t++) scaleRow(t, (1 / rows) * (t + 1));
    if (ah + ay < h) for (let t = 0; t < rows; t++) scaleRow(ah - 1 - t, (1 / rows) * (t + 1));
    if (ax !== 0) for (let t = 0; t < cols; t++) scaleCol(t, (1 / cols) * (t + 1));
    if (aw + ax < w) for (let t = 0; t < cols; t++) scaleCol(aw - 1 - t, (1 / cols) * (t + 1));
  }
  return { crop, mult, area };
}

function forEach(a: NdArray, visit: (b: number, c: number, y: number, x: number, index: number) => void): void {
  const [batch, channels, h, w] = a.shape as [number, number, number, number];
  let i = 0;
  for (let b = 0; b < batch; b++) for (let c = 0; c < channels; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) visit(b, c, y, x, i++);
}

/** calc_cond_batch for one side: Σ output·mult / (1e-37 + Σ mult) over the side's entries. */
export function calcCondBatch(entries: readonly ComfyEntry[], x: NdArray, model: ComfyModel): NdArray {
  const out = zeros(x.shape);
  const count = new NdArray(x.shape, new Float32Array(x.size).fill(1e-37));
  for (const entry of entries) {
    const { crop, mult, area } = areaAndMult(entry, x);
    const output = model(crop, entry.text);
    forEach(output, (b, c, y, xx, i) => {
      const [, , ay, ax] = area as [number, number, number, number];
      const [channels, h, w] = x.shape.slice(1) as [number, number, number];
      const at = ((b * channels + c) * h + ay + y) * w + ax + xx;
      out.data[at]! += output.data[i]! * mult.data[i]!;
      count.data[at]! += mult.data[i]!;
    });
  }
  for (let i = 0; i < out.size; i++) out.data[i]! /= count.data[i]!;
  return out;
}

/** ComfyUI's sampler: resolve both sides, pair their areas (positive first), weigh, then uncond + (cond − uncond)·scale. */
export function comfyGuidedPrediction(positive: readonly ComfyEntry[], negative: readonly ComfyEntry[], x: NdArray, scale: number, model: ComfyModel): NdArray {
  const [, , h, w] = x.shape as [number, number, number, number];
  const conds = { positive: resolveAreasAndMasks(positive, h, w), negative: resolveAreasAndMasks(negative, h, w) };
  for (const c of [...conds.positive]) createCondWithSameAreaIfNone(conds.negative, c);
  for (const c of [...conds.negative]) createCondWithSameAreaIfNone(conds.positive, c);
  const cond = calcCondBatch(conds.positive, x, model);
  const uncond = calcCondBatch(conds.negative, x, model);
  const result = zeros(x.shape);
  for (let i = 0; i < result.size; i++) result.data[i] = uncond.data[i]! + (cond.data[i]! - uncond.data[i]!) * scale;
  return result;
}
