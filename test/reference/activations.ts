/**
 * Activation functions as PyTorch defines them, evaluated in float64 and stored as float32.
 * JavaScript has no erf, so erf is computed here (Taylor series / continued fraction, ~1e-15).
 */
import { NdArray, zeros } from './ndarray.js';

export function map(x: NdArray, f: (value: number) => number): NdArray {
  const out = zeros(x.shape);
  for (let i = 0; i < x.size; i++) out.data[i] = f(x.data[i]!);
  return out;
}

/** torch.nn.SiLU: x · sigmoid(x). */
export function silu(x: NdArray): NdArray {
  return map(x, (v) => v / (1 + Math.exp(-v)));
}

/** torch.nn.functional.gelu(approximate='none'): x · Φ(x) = x/2 · (1 + erf(x/√2)). */
export function geluErf(x: NdArray): NdArray {
  return map(x, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
}

/** transformers' QuickGELUActivation (used by OpenAI CLIP): x · sigmoid(1.702 x). */
export function quickGelu(x: NdArray): NdArray {
  return map(x, (v) => v / (1 + Math.exp(-1.702 * v)));
}

/**
 * diffusers GEGLU after its projection: the last axis [2n] splits into (hidden, gate) halves —
 * `hidden, gate = proj(x).chunk(2, dim=-1)` — and the result is hidden · gelu(gate) (exact gelu).
 */
export function geglu(x: NdArray): NdArray {
  const width = x.shape[x.shape.length - 1]!;
  if (width % 2 !== 0) throw new RangeError(`geglu needs an even last axis, got ${width}`);
  const half = width / 2;
  const out = zeros([...x.shape.slice(0, -1), half]);
  for (let row = 0; row < x.size / width; row++) {
    for (let j = 0; j < half; j++) {
      const hidden = x.data[row * width + j]!;
      const gate = x.data[row * width + half + j]!;
      out.data[row * half + j] = hidden * 0.5 * gate * (1 + erf(gate / Math.SQRT2));
    }
  }
  return out;
}

/** Softmax over the last axis, max-subtracted; −Infinity entries (masked) get probability 0. */
export function softmax(x: NdArray): NdArray {
  const width = x.shape[x.shape.length - 1]!;
  const out = zeros(x.shape);
  const exps = new Float64Array(width);
  for (let row = 0; row < x.size / width; row++) {
    let max = -Infinity;
    for (let j = 0; j < width; j++) max = Math.max(max, x.data[row * width + j]!);
    let sum = 0;
    for (let j = 0; j < width; j++) {
      exps[j] = Math.exp(x.data[row * width + j]! - max);
      sum += exps[j]!;
    }
    for (let j = 0; j < width; j++) out.data[row * width + j] = exps[j]! / sum;
  }
  return out;
}

/**
 * The error function. |x| < 2.5: Maclaurin series 2/√π Σ (−1)^n x^(2n+1) / (n!(2n+1)), which
 * loses at most ~2 digits to cancellation there; beyond: erfc from its continued fraction
 * (Abramowitz & Stegun 7.1.14) erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 2.5) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  let fraction = a;
  for (let k = 120; k >= 1; k--) fraction = a + k / 2 / fraction;
  const erfc = Math.exp(-a * a) / (Math.sqrt(Math.PI) * fraction);
  return Math.sign(x) * (1 - erfc);
}
