/**
 * Repetition as self-similarity under translation: the normalized circular autocorrelation of the
 * mean-removed foreground mask, R(d) = Σ_p f(p)·f(p + d) / Σ_p f(p)², has R(0) = 1 and, when the
 * image holds k translated copies of an object, further peaks at the shifts between copies (an
 * exact tiling of the canvas by k copies gives k − 1 off-centre peaks of height 1).
 *
 * Why this complements the object count: it asks whether the *same* shape recurs, which a count
 * cannot tell from an emoji made of several different parts; copies joined by a thin stray stroke
 * are one component but still correlate; and `strongest` is a score without a count's steps.
 * Copies that touch along a whole side do not: their union's autocorrelation falls monotonically
 * from the centre. Why the mask and not the grey levels: the question is whether the shape recurs;
 * grey-level correlation also peaks on texture inside one object (stripes, a row of teeth).
 * Why circular: the failure mode spreads copies over the whole canvas, and with wrap-around every
 * copy has a partner at the lattice shift, so the peak height does not shrink with the overlap of
 * the shifted canvas; it costs nothing on a flat background (the wrapped border is background).
 *
 * Central exclusion: instead of a fixed radius, everything connected to d = 0 with R ≥ the peak
 * threshold is the central lobe. Its size follows the object's size, which changes 16× between 32²
 * and 128²; a fixed radius would be too small for one large object (its wide central lobe would
 * yield spurious peaks on its shoulder) or too large for small copies. A peak must therefore be
 * separated from the centre by a dip below the threshold.
 *
 * Computed as IDFT(|DFT(f)|²) (Wiener–Khinchin) with a separable direct DFT: O(W·H·(W + H)),
 * ~8 M multiply-adds at 128², and any size works (no power-of-two padding, which would turn the
 * circular correlation into a linear one).
 */
import { fidelityInputError } from './input-error.js';

export interface BinaryMask {
  readonly width: number;
  readonly height: number;
  /** 1 inside, 0 outside, row-major. */
  readonly mask: Uint8Array;
}

export interface AutocorrelationOptions {
  /** Minimum R of a counted peak, and the level that bounds the central lobe; default 0.5. */
  readonly peakThreshold?: number;
}

export interface AutocorrelationPeak {
  /** Shift in pixels, in (−width/2, width/2] × (−height/2, height/2]. */
  readonly dx: number;
  readonly dy: number;
  readonly value: number;
}

export interface AutocorrelationPeaks {
  /** Off-centre local maxima with R ≥ the threshold, strongest first; d and −d both appear. */
  readonly peaks: readonly AutocorrelationPeak[];
  /** The highest off-centre local maximum, counted or not: a threshold-free score; 0 if none. */
  readonly strongest: number;
}

export const DEFAULT_PEAK_THRESHOLD = 0.5;

/** R(dx, dy) at index dy·width + dx (shifts taken modulo the size); all zeros for a uniform mask. */
export function circularAutocorrelation(mask: BinaryMask): Float64Array {
  const { width, height } = mask;
  if (mask.mask.length !== width * height) throw fidelityInputError('circularAutocorrelation.mask', `has ${mask.mask.length} values for ${width}×${height}`);
  return fieldAutocorrelation(mask.mask, width, height);
}

/** The same normalized circular autocorrelation of any real-valued field (row-major, width × height). */
export function fieldAutocorrelation(values: ArrayLike<number>, width: number, height: number): Float64Array {
  const n = width * height;
  const re = powerSpectrum(values, width, height);
  const im = new Float64Array(n);
  dft2d(re, im, width, height, 1);
  const energy = re[0]!;
  // A uniform field has no variance: nothing can repeat, and R is undefined; report it as flat.
  if (energy <= 1e-9 * n) return new Float64Array(n);
  return re.map((v) => v / energy);
}

/**
 * |DFT(f − mean f)|² at frequency index v·width + u (u cycles across the width, v down the height,
 * indices past half the size are the negative frequencies): the autocorrelation's Fourier pair
 * (Wiener–Khinchin), so both measures share one transform.
 */
export function powerSpectrum(values: ArrayLike<number>, width: number, height: number): Float64Array {
  const n = width * height;
  let mean = 0;
  for (let p = 0; p < n; p++) mean += values[p]!;
  mean /= n;
  const re = Float64Array.from({ length: n }, (_, p) => values[p]! - mean);
  const im = new Float64Array(n);
  dft2d(re, im, width, height, -1);
  return re.map((value, p) => value * value + im[p]! * im[p]!);
}

/** In-place unnormalized 2-D DFT, sign −1 forward, +1 inverse (the inverse is not divided by W·H). */
function dft2d(re: Float64Array, im: Float64Array, width: number, height: number, sign: 1 | -1): void {
  for (let y = 0; y < height; y++) dft1d(re, im, y * width, 1, width, sign);
  for (let x = 0; x < width; x++) dft1d(re, im, x, width, height, sign);
}

function dft1d(re: Float64Array, im: Float64Array, offset: number, stride: number, length: number, sign: 1 | -1): void {
  const cos = Float64Array.from({ length }, (_, k) => Math.cos((2 * Math.PI * k) / length));
  const sin = Float64Array.from({ length }, (_, k) => sign * Math.sin((2 * Math.PI * k) / length));
  const inRe = Float64Array.from({ length }, (_, i) => re[offset + i * stride]!);
  const inIm = Float64Array.from({ length }, (_, i) => im[offset + i * stride]!);
  for (let k = 0; k < length; k++) {
    let sumRe = 0;
    let sumIm = 0;
    for (let j = 0, phase = 0; j < length; j++, phase = (phase + k) % length) {
      sumRe += inRe[j]! * cos[phase]! - inIm[j]! * sin[phase]!;
      sumIm += inRe[j]! * sin[phase]! + inIm[j]! * cos[phase]!;
    }
    re[offset + k * stride] = sumRe;
    im[offset + k * stride] = sumIm;
  }
}

export function autocorrelationPeaks(mask: BinaryMask, options: AutocorrelationOptions = {}): AutocorrelationPeaks {
  const threshold = options.peakThreshold ?? DEFAULT_PEAK_THRESHOLD;
  assertThreshold(threshold, 'autocorrelationPeaks.options.peakThreshold');
  const all = offCentreMaxima(circularAutocorrelation(mask), mask.width, mask.height, threshold);
  return { peaks: all.filter((peak) => peak.value >= threshold), strongest: Math.max(0, all[0]?.value ?? 0) };
}

export function assertThreshold(threshold: number, field: string): void {
  if (!(threshold > 0 && threshold < 1)) throw fidelityInputError(field, `must be in (0, 1), got ${threshold}`);
}

/**
 * Every local maximum of R outside the central lobe (the shifts connected to d = 0 through
 * R ≥ lobeThreshold), strongest first; d and −d both appear.
 */
export function offCentreMaxima(r: Float64Array, width: number, height: number, lobeThreshold: number): AutocorrelationPeak[] {
  const lobe = centralLobe(r, width, height, lobeThreshold);
  const maxima: AutocorrelationPeak[] = [];
  for (let p = 0; p < r.length; p++) {
    if (lobe[p] === 1 || !isLocalMaximum(r, width, height, p)) continue;
    const x = p % width;
    const y = (p - x) / width;
    maxima.push({ dx: x > width / 2 ? x - width : x, dy: y > height / 2 ? y - height : y, value: r[p]! });
  }
  return maxima.sort((a, b) => b.value - a.value);
}

/** The 8 neighbours of shift index p, wrapping around (shifts are circular). */
function neighbours(width: number, height: number, p: number): number[] {
  const x = p % width;
  const y = (p - x) / width;
  const out: number[] = [];
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      if (dx !== 0 || dy !== 0) out.push((((y + dy) % height) + height) % height * width + ((((x + dx) % width) + width) % width));
    }
  }
  return out;
}

/** Shifts reachable from d = 0 through R ≥ threshold. */
function centralLobe(r: Float64Array, width: number, height: number, threshold: number): Uint8Array {
  return regionAtLeast(r, width, height, 0, threshold);
}

/** 1 at the shifts reachable from shift index `start` through R ≥ level (8-connected, wrapping around). */
export function regionAtLeast(r: Float64Array, width: number, height: number, start: number, level: number): Uint8Array {
  const region = new Uint8Array(r.length);
  region[start] = 1;
  const stack = [start];
  while (stack.length > 0) {
    for (const q of neighbours(width, height, stack.pop()!)) {
      if (region[q] === 0 && r[q]! >= level) {
        region[q] = 1;
        stack.push(q);
      }
    }
  }
  return region;
}

/** ≥ every neighbour, and a plateau of equal values is counted once (at its first index). */
function isLocalMaximum(r: Float64Array, width: number, height: number, p: number): boolean {
  return neighbours(width, height, p).every((q) => r[p]! > r[q]! || (r[p] === r[q] && q > p) || q === p);
}
