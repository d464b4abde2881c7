/**
 * Area and mask conditioning on one run's latent, with ComfyUI's semantics (comfy/samplers.py):
 *
 * - resolve_areas_and_cond_masks: an area in pixels becomes latent units (ComfyUI's //8; here the
 *   model's VAE factor), a fractional one round(f·side) (at least 1 for the size); a mask is resized
 *   bilinearly to the latent, and with "mask bounds" the area becomes the box around its non-zero
 *   pixels (at least 8×8; 8×8 at the origin for an empty mask).
 * - create_cond_with_same_area_if_none: every placed entry of one side gets a twin on the other side
 *   with its placement and the text of that side's smallest entry containing it, so both sides of
 *   CFG are predicted over the same crops.
 * - get_area_and_mult: the area is clipped to the latent; the entry is evaluated on that crop, and
 *   its output weighs strength × mask there, or strength with the border feathered over
 *   min(8, side/4) rows and columns (linearly, (t+1)/rr) on each side that is inside the latent.
 *
 * guidance.ts sums weight × output per side and divides by the summed weights.
 */
import { commonUpscale, pythonRound } from '../../imaging/common-upscale.js';
import type { MaskBatch } from '../../imaging/mask.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import type { Conditioning, ConditioningList } from './values.js';

/** An entry's crop of the latent, and the weight of each of its pixels for each batch item. */
export interface LatentRegion {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
  /** [B, height, width]: ComfyUI's mult (the same for every channel) */
  readonly weights: Float32Array;
}

/** An entry as the guidance runs it: without a region it covers the whole latent at weight 1. */
export interface PlacedConditioning extends Conditioning {
  readonly region?: LatentRegion;
}

/** A box in latent pixels: ComfyUI's area tuple (height, width, y, x). */
interface Box {
  readonly height: number;
  readonly width: number;
  readonly y: number;
  readonly x: number;
}

/** An entry after resolve_areas_and_cond_masks: its box (if any) and its mask at the latent's size. */
interface ResolvedEntry {
  readonly conditioning: Conditioning;
  readonly box: Box | null;
  readonly mask: MaskBatch | null;
}

export interface LatentGeometry {
  /** [B, C, H, W] */
  readonly dims: readonly number[];
  readonly vaeScaleFactor: number;
}

/** Both sides placed on the latent, each with the other's twins of its placed entries appended. */
export function placeConditioning(positive: ConditioningList, negative: ConditioningList, geometry: LatentGeometry): { positive: PlacedConditioning[]; negative: PlacedConditioning[] } {
  const sides = [positive.map((entry) => resolveEntry(entry, geometry)), negative.map((entry) => resolveEntry(entry, geometry))] as const;
  // ComfyUI's order: the positive side's twins go to the negative side first, then the other way.
  for (const entry of [...sides[0]]) addTwin(sides[1], entry);
  for (const entry of [...sides[1]]) addTwin(sides[0], entry);
  return { positive: sides[0].map((entry) => placed(entry, geometry)), negative: sides[1].map((entry) => placed(entry, geometry)) };
}

function resolveEntry(conditioning: Conditioning, { dims, vaeScaleFactor }: LatentGeometry): ResolvedEntry {
  const [, , height, width] = dims as [number, number, number, number];
  let box: Box | null = null;
  const { area } = conditioning;
  if (area?.unit === 'pixels') {
    const latent = (pixels: number) => Math.floor(pixels / vaeScaleFactor);
    box = { height: latent(area.height), width: latent(area.width), y: latent(area.y), x: latent(area.x) };
  } else if (area?.unit === 'fraction') {
    box = { height: Math.max(1, pythonRound(area.height * height)), width: Math.max(1, pythonRound(area.width * width)), y: pythonRound(area.y * height), x: pythonRound(area.x * width) };
  }
  if (!conditioning.mask) return { conditioning, box, mask: null };
  const mask = maskAtSize(conditioning.mask.mask, height, width);
  return { conditioning, box: conditioning.mask.setAreaToBounds ? maskBounds(mask) : box, mask };
}

function maskAtSize(mask: MaskBatch, height: number, width: number): MaskBatch {
  if (mask.height === height && mask.width === width) return mask;
  const values = commonUpscale(mask.values, [mask.batch, 1, mask.height, mask.width], height, width, 'bilinear', 'disabled');
  return { batch: mask.batch, height, width, values };
}

/** get_mask_aabb of the largest |value| over the batch, grown to at least 8×8. */
function maskBounds(mask: MaskBatch): Box {
  let top = Infinity;
  let left = Infinity;
  let bottom = -1;
  let right = -1;
  const plane = mask.height * mask.width;
  for (let i = 0; i < mask.values.length; i++) {
    if (mask.values[i] === 0) continue;
    const y = Math.floor((i % plane) / mask.width);
    const x = i % mask.width;
    top = Math.min(top, y);
    left = Math.min(left, x);
    bottom = Math.max(bottom, y);
    right = Math.max(right, x);
  }
  if (bottom < 0) return { height: 8, width: 8, y: 0, x: 0 };
  return { height: Math.max(8, bottom - top + 1), width: Math.max(8, right - left + 1), y: top, x: left };
}

const sameBox = (a: Box, b: Box) => a.height === b.height && a.width === b.width && a.y === b.y && a.x === b.x;
const contains = (outer: Box, inner: Box) =>
  inner.y >= outer.y && inner.x >= outer.x && inner.y + inner.height <= outer.y + outer.height && inner.x + inner.width <= outer.x + outer.width;

/** create_cond_with_same_area_if_none: the smallest entry of `side` containing `entry`'s box (an unplaced one if none is placed) lends its text. */
function addTwin(side: ResolvedEntry[], entry: ResolvedEntry): void {
  if (!entry.box) return;
  let smallest: ResolvedEntry | null = null;
  for (const candidate of side) {
    if (!candidate.box) {
      smallest ??= candidate;
    } else if (contains(candidate.box, entry.box)) {
      if (!smallest?.box || smallest.box.height * smallest.box.width > candidate.box.height * candidate.box.width) smallest = candidate;
    }
  }
  if (smallest === null || (smallest.box && sameBox(smallest.box, entry.box))) return;
  const { timestepRange: _lenderRange, area: _lenderArea, strength: _lenderStrength, mask: _lenderMask, ...text } = smallest.conditioning;
  const { timestepRange, area, strength, mask } = entry.conditioning;
  side.push({ conditioning: { ...text, timestepRange, area, strength, mask }, box: entry.box, mask: entry.mask });
}

/** get_area_and_mult's crop and weights; an entry without box, mask or strength keeps the fast path. */
function placed(entry: ResolvedEntry, geometry: LatentGeometry): PlacedConditioning {
  const { conditioning, box, mask } = entry;
  const strength = conditioning.strength ?? 1;
  if (!box && !mask && strength === 1) return conditioning;
  const [batch, , height, width] = geometry.dims as [number, number, number, number];
  const crop = box ? clippedBox(box, height, width, geometry.vaeScaleFactor) : { height, width, y: 0, x: 0 };
  const plane = crop.height * crop.width;
  const weights = new Float32Array(batch * plane).fill(strength);
  if (mask) {
    const scale = conditioning.mask!.strength;
    for (let b = 0; b < batch; b++) {
      const source = (b % mask.batch) * mask.height * mask.width;
      for (let y = 0; y < crop.height; y++) {
        for (let x = 0; x < crop.width; x++) weights[b * plane + y * crop.width + x] = mask.values[source + (crop.y + y) * mask.width + crop.x + x]! * scale * strength;
      }
    }
  } else if (box) {
    featherBorders(weights, batch, crop, height, width);
  }
  return { ...conditioning, region: { top: crop.y, left: crop.x, height: crop.height, width: crop.width, weights } };
}

/** The box clipped to the latent, as get_area_and_mult narrows it; one starting outside is refused. */
function clippedBox(box: Box, height: number, width: number, vaeScaleFactor: number): Box {
  if (box.y >= height || box.x >= width) {
    throw new UserFacingError(`a conditioning area starts at x ${box.x * vaeScaleFactor}, y ${box.y * vaeScaleFactor} pixels, outside the ${width * vaeScaleFactor}×${height * vaeScaleFactor} image`, {
      hint: 'move the area inside the image (ConditioningSetArea\'s x and y, or the percentage node\'s) or make the latent larger',
    });
  }
  return { ...box, height: Math.min(height - box.y, box.height), width: Math.min(width - box.x, box.width) };
}

/** ComfyUI's fuzz: rr = min(8, side/4) rows (columns) at each edge that is not the latent's edge ramp as (t+1)/rr. */
function featherBorders(weights: Float32Array, batch: number, crop: Box, height: number, width: number): void {
  const rowsRamp = edgeRamp(crop.height, crop.y !== 0, crop.y + crop.height < height);
  const columnsRamp = edgeRamp(crop.width, crop.x !== 0, crop.x + crop.width < width);
  const plane = crop.height * crop.width;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < crop.height; y++) {
      for (let x = 0; x < crop.width; x++) weights[b * plane + y * crop.width + x]! *= rowsRamp[y]! * columnsRamp[x]!;
    }
  }
}

/** Per position along one side: the product of the ramps that reach it. */
function edgeRamp(size: number, rampsAtStart: boolean, rampsAtEnd: boolean): Float32Array {
  const ramp = new Float32Array(size).fill(1);
  const rr = Math.min(8, Math.floor(size / 4));
  for (let t = 0; t < rr; t++) {
    const factor = (1 / rr) * (t + 1);
    if (rampsAtStart) ramp[t]! *= factor;
    if (rampsAtEnd) ramp[size - 1 - t]! *= factor;
  }
  return ramp;
}
