/**
 * Texture repetition: the failure of Direct-Inf that the object count and the mask autocorrelation
 * (./repetition.ts, ./autocorrelation.ts) miss. At 16× the model often fills the canvas with one
 * connected tiled texture (rows of eyes, a lattice of petals): one foreground object, a foreground
 * mask that covers most of the canvas and has nothing left to repeat, yet the picture is the same
 * small pattern again and again.
 *
 * The score looks at the grey levels instead of the mask, high-passed so that what correlates is
 * the detail (edges, features), not the large flat regions: grey − its (2r + 1)² box mean. The
 * normalized circular autocorrelation of that field (./autocorrelation.ts, R(0) = 1) has peaks at
 * the shifts under which the detail recurs.
 *
 * Why a lattice and not the strongest peak: one object with internal stripes (a tiger's fur, a row
 * of teeth) repeats detail too, but along one direction only: its peaks all lie on one line through
 * the origin (d, 2d, …). Tiling, the failure, repeats in two directions. So the score is the
 * highest off-centre peak *not* collinear with the strongest one — the weaker of the two lattice
 * vectors. A row of copies (a 1-D repetition) therefore scores like stripes: that case is what the
 * object count sees, since a row of copies on a background is separate objects.
 *
 * Collinear means within LINE_TOLERANCE pixels of the line through the origin and the strongest
 * peak: the shifts are integers and a stripe period need not be, so multiples of the true period
 * land up to half a pixel off in each axis.
 */
import { assertThreshold, fieldAutocorrelation, offCentreMaxima, regionAtLeast, type AutocorrelationPeak } from './autocorrelation.js';
import { assertRgbImage, type RgbImage } from './image-ops.js';
import { fidelityInputError } from './input-error.js';

export interface TextureRepetitionOptions {
  /** Box radius of the low-pass that is subtracted, in pixels; default 2 (a 5×5 mean). */
  readonly highPassRadius?: number;
  /** R level that bounds the central lobe (a peak must dip below it from the centre); default 0.3. */
  readonly lobeThreshold?: number;
}

export interface TextureRepetition {
  /** The highest off-centre peak: high for stripes and for tiling alike; 0 if none. */
  readonly strongest: AutocorrelationPeak | null;
  /** The highest off-centre peak not collinear with the strongest: the second lattice direction. */
  readonly secondDirection: AutocorrelationPeak | null;
  /** secondDirection's R, clamped at 0: the texture-repetition score in [0, 1]. */
  readonly score: number;
}

export const DEFAULT_HIGH_PASS_RADIUS = 2;
/** Lower than the mask's 0.5: a high-passed field decorrelates within a few pixels, so the lobe is small anyway. */
export const DEFAULT_LOBE_THRESHOLD = 0.3;
const LINE_TOLERANCE = 1.5;

/** ITU-R BT.601 luma of each pixel, 0…255. */
export function greyLevels(image: RgbImage): Float64Array {
  assertRgbImage(image, 'greyLevels.image');
  const { data } = image;
  return Float64Array.from({ length: image.width * image.height }, (_, p) => 0.299 * data[p * 3]! + 0.587 * data[p * 3 + 1]! + 0.114 * data[p * 3 + 2]!);
}

/** field − its (2·radius + 1)² box mean, the box wrapping around as the circular autocorrelation does. */
export function highPass(field: Float64Array, width: number, height: number, radius: number): Float64Array {
  if (!(Number.isInteger(radius) && radius >= 1)) throw fidelityInputError('highPass.radius', `must be an integer ≥ 1, got ${radius}`);
  const rows = boxMean(field, width, height, radius, 'x');
  const mean = boxMean(rows, width, height, radius, 'y');
  return field.map((value, p) => value - mean[p]!);
}

function boxMean(field: Float64Array, width: number, height: number, radius: number, axis: 'x' | 'y'): Float64Array {
  const out = new Float64Array(field.length);
  const span = 2 * radius + 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) {
        const p = axis === 'x' ? y * width + (((x + k) % width) + width) % width : ((((y + k) % height) + height) % height) * width + x;
        sum += field[p]!;
      }
      out[y * width + x] = sum / span;
    }
  }
  return out;
}

export function textureRepetition(image: RgbImage, options: TextureRepetitionOptions = {}): TextureRepetition {
  const radius = options.highPassRadius ?? DEFAULT_HIGH_PASS_RADIUS;
  const lobeThreshold = options.lobeThreshold ?? DEFAULT_LOBE_THRESHOLD;
  assertThreshold(lobeThreshold, 'textureRepetition.options.lobeThreshold');
  const { width, height } = image;
  const detail = highPass(greyLevels(image), width, height, radius);
  const r = fieldAutocorrelation(detail, width, height);
  const maxima = offCentreMaxima(r, width, height, lobeThreshold);
  const strongest = maxima[0] ?? null;
  const independent = (peak: AutocorrelationPeak) => distanceFromLine(peak, strongest!) > LINE_TOLERANCE && !ridgeReachesLine(r, width, height, peak, strongest!);
  const secondDirection = strongest && (maxima.find(independent) ?? null);
  return { strongest, secondDirection, score: Math.max(0, secondDirection?.value ?? 0) };
}

/**
 * Whether `peak` lies on a ridge of R that runs to the line of `direction`: the shifts reachable
 * from it through R ≥ a third of its value come within LINE_TOLERANCE of that line. Stripes give such
 * ridges (R stays high all along a stripe), and sampler noise puts local maxima anywhere on them;
 * a second lattice vector is instead separated from the line by a dip.
 */
function ridgeReachesLine(r: Float64Array, width: number, height: number, peak: AutocorrelationPeak, direction: AutocorrelationPeak): boolean {
  if (peak.value <= 0) return true;
  const start = (((peak.dy % height) + height) % height) * width + (((peak.dx % width) + width) % width);
  const region = regionAtLeast(r, width, height, start, peak.value / 3);
  for (let p = 0; p < region.length; p++) {
    if (region[p] === 0) continue;
    const x = p % width;
    const y = (p - x) / width;
    if (distanceFromLine({ dx: x > width / 2 ? x - width : x, dy: y > height / 2 ? y - height : y, value: 0 }, direction) <= LINE_TOLERANCE) return true;
  }
  return false;
}

/** Distance of shift `peak` from the line through the origin and `direction`, in pixels. */
function distanceFromLine(peak: AutocorrelationPeak, direction: AutocorrelationPeak): number {
  return Math.abs(peak.dx * direction.dy - peak.dy * direction.dx) / Math.hypot(direction.dx, direction.dy);
}
