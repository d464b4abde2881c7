/**
 * Object repetition, the failure ScaleCrafter targets (He et al. 2023, "ScaleCrafter: Tuning-free
 * Higher-Resolution Visual Generation with Diffusion Models", §1 and Fig. 1): a model trained at
 * 32² and sampled at 64² or 128² draws the emoji several times instead of one larger emoji.
 *
 * Our images are one emoji on a flat white background, so "how many objects" can be counted
 * directly: the foreground is every pixel whose colour is far from the background, and each
 * connected foreground region large enough not to be noise is one object.
 *
 * - Background colour: the per-channel median of the border pixels. Emoji rarely touch all four
 *   borders, and a median ignores the ones that do; estimating it (not assuming 255) keeps the
 *   measure fair to a model whose background drifts to off-white at large sizes.
 * - Foreground: max over channels of |pixel − background| > 40 (of 255). The training images are
 *   exact white outside the emoji, so 40 leaves room for sampler noise there, while emoji colours
 *   are far from white (the pale yellow of a face is ~180 away in blue). In the training set 4% of
 *   pixels lie 20–40 from white, mostly antialiased edges, and 55% beyond 40.
 * - Connectivity 8: antialiased diagonal strokes stay one object. Objects that touch (even at a
 *   corner) count as one — a repetition that overlaps is under-counted, never over-counted.
 * - Noise: components smaller than a fraction of the image (0.5% by default: 5 pixels at 32²,
 *   82 at 128²) are ignored instead of opening the mask, because an opening would erase the 1-px
 *   outlines that make up much of an emoji at 32². Scaling with the image means an object drawn at
 *   training size (32², ~6% of a 128² image) is always counted.
 *
 * Some emoji are several separate shapes (💦 is three drops), so the absolute count is read
 * relative to the same prompt's count at 32²; the claim is about the count growing with size.
 *
 * The second measure, off-centre peaks of the objects mask's autocorrelation (./autocorrelation.ts),
 * asks whether one shape recurs, and still sees copies joined by a thin stroke.
 */
import { assertRgbImage, type Rgb, type RgbImage } from './image-ops.js';
import { fidelityInputError } from './input-error.js';
import { autocorrelationPeaks, type AutocorrelationPeaks, type AutocorrelationOptions } from './autocorrelation.js';

export interface ForegroundOptions {
  /** Max channel distance from the background above which a pixel is foreground; default 40. */
  readonly threshold?: number;
}

export interface ObjectCountOptions extends ForegroundOptions {
  /** Components with fewer pixels than this fraction of the image are noise; default 0.005. */
  readonly minAreaFraction?: number;
}

export interface ForegroundMask {
  readonly width: number;
  readonly height: number;
  /** 1 for foreground, 0 for background, row-major. */
  readonly mask: Uint8Array;
  readonly background: Rgb;
}

export interface ObjectCount {
  /** Objects: 8-connected foreground components of at least the minimum area. */
  readonly count: number;
  /** Their areas in pixels, largest first. */
  readonly areas: readonly number[];
  /** Largest object's area / all objects' area (1 for one object, 1/k for k equal ones; 0 if none). */
  readonly largestShare: number;
  /** Pixels in objects / all pixels. */
  readonly foregroundFraction: number;
  readonly background: Rgb;
  /** The mask of the counted objects only (noise components removed). */
  readonly objects: ForegroundMask;
}

export interface RepetitionMeasures {
  readonly objects: ObjectCount;
  readonly autocorrelation: AutocorrelationPeaks;
}

export const DEFAULT_FOREGROUND_THRESHOLD = 40;
export const DEFAULT_MIN_AREA_FRACTION = 0.005;

export function borderMedianColour(image: RgbImage): Rgb {
  const { width, height } = image;
  const border: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if (y === 0 || y === height - 1 || x === 0 || x === width - 1) border.push(y * width + x);
  }
  const median = (c: number): number => {
    const values = border.map((p) => image.data[p * 3 + c]!).sort((a, b) => a - b);
    const mid = values.length >> 1;
    return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  };
  return [median(0), median(1), median(2)];
}

export function foregroundMask(image: RgbImage, options: ForegroundOptions = {}): ForegroundMask {
  assertRgbImage(image, 'foregroundMask.image');
  const threshold = options.threshold ?? DEFAULT_FOREGROUND_THRESHOLD;
  if (!(threshold >= 0 && threshold < 255)) throw fidelityInputError('foregroundMask.options.threshold', `must be in [0, 255), got ${threshold}`);
  const background = borderMedianColour(image);
  const mask = new Uint8Array(image.width * image.height);
  for (let p = 0; p < mask.length; p++) {
    let distance = 0;
    for (let c = 0; c < 3; c++) distance = Math.max(distance, Math.abs(image.data[p * 3 + c]! - background[c]!));
    mask[p] = distance > threshold ? 1 : 0;
  }
  return { width: image.width, height: image.height, mask, background };
}

/** Labels 8-connected regions of 1s: labels[p] = 1…n for foreground, 0 for background; areas[l − 1]. */
export function labelComponents(mask: ForegroundMask): { labels: Int32Array; areas: number[] } {
  const { width, height } = mask;
  const labels = new Int32Array(width * height);
  const areas: number[] = [];
  const stack: number[] = [];
  for (let start = 0; start < labels.length; start++) {
    if (mask.mask[start] === 0 || labels[start] !== 0) continue;
    const label = areas.length + 1;
    let area = 0;
    labels[start] = label;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop()!;
      area++;
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const q = ny * width + nx;
          if (mask.mask[q] === 1 && labels[q] === 0) {
            labels[q] = label;
            stack.push(q);
          }
        }
      }
    }
    areas.push(area);
  }
  return { labels, areas };
}

export function countObjects(image: RgbImage, options: ObjectCountOptions = {}): ObjectCount {
  const minAreaFraction = options.minAreaFraction ?? DEFAULT_MIN_AREA_FRACTION;
  if (!(minAreaFraction >= 0 && minAreaFraction < 1)) throw fidelityInputError('countObjects.options.minAreaFraction', `must be in [0, 1), got ${minAreaFraction}`);
  const foreground = foregroundMask(image, options);
  const { labels, areas } = labelComponents(foreground);
  const minArea = minAreaFraction * image.width * image.height;
  const kept = areas.map((area) => area >= minArea);
  const objectMask = new Uint8Array(labels.length);
  for (let p = 0; p < labels.length; p++) objectMask[p] = labels[p]! > 0 && kept[labels[p]! - 1]! ? 1 : 0;
  const objectAreas = areas.filter((_, i) => kept[i]).sort((a, b) => b - a);
  const total = objectAreas.reduce((sum, area) => sum + area, 0);
  return {
    count: objectAreas.length,
    areas: objectAreas,
    largestShare: total === 0 ? 0 : objectAreas[0]! / total,
    foregroundFraction: total / labels.length,
    background: foreground.background,
    objects: { ...foreground, mask: objectMask },
  };
}

/** Both measures, the autocorrelation taken over the counted objects' mask (noise removed). */
export function measureRepetition(image: RgbImage, options: ObjectCountOptions & AutocorrelationOptions = {}): RepetitionMeasures {
  const objects = countObjects(image, options);
  return { objects, autocorrelation: autocorrelationPeaks(objects.objects, options) };
}
