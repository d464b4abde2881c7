// Plain-loop float64 references for the graph-builder test, written from the PyTorch / ONNX
// definitions (not from the builder): conv2d with stride, padding and dilation (torch.nn.Conv2d),
// GroupNorm (torch.nn.GroupNorm, biased variance), LayerNorm over the last dim, multi-head
// attention (softmax(q k^T / sqrt(d)) v per head), exact GELU (0.5 x (1 + erf(x / sqrt 2))).

export interface Conv2dOptions { stride: number; padding: number; dilation: number }

/** x [N,C,H,W], w [O,C,k,k], b [O] -> [N,O,Ho,Wo], Ho = floor((H + 2p - d(k-1) - 1) / s) + 1 */
export function conv2d(x: Float64Array, xShape: number[], w: Float64Array, wShape: number[], b: Float64Array, o: Conv2dOptions): { data: Float64Array; shape: number[] } {
  const [n, c, h, wd] = xShape as [number, number, number, number];
  const [oc, , k] = wShape as [number, number, number, number];
  const ho = Math.floor((h + 2 * o.padding - o.dilation * (k - 1) - 1) / o.stride) + 1;
  const wo = Math.floor((wd + 2 * o.padding - o.dilation * (k - 1) - 1) / o.stride) + 1;
  const out = new Float64Array(n * oc * ho * wo);
  for (let ni = 0; ni < n; ni++) for (let oi = 0; oi < oc; oi++) for (let y = 0; y < ho; y++) for (let xo = 0; xo < wo; xo++) {
    let sum = b[oi]!;
    for (let ci = 0; ci < c; ci++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
      const iy = y * o.stride - o.padding + ky * o.dilation;
      const ix = xo * o.stride - o.padding + kx * o.dilation;
      if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
      sum += x[((ni * c + ci) * h + iy) * wd + ix]! * w[((oi * c + ci) * k + ky) * k + kx]!;
    }
    out[((ni * oc + oi) * ho + y) * wo + xo] = sum;
  }
  return { data: out, shape: [n, oc, ho, wo] };
}

/** x [N,C,...] normalized per (sample, group of C/groups channels), then per-channel affine. */
export function groupNorm(x: Float64Array, shape: number[], groups: number, gamma: Float64Array, beta: Float64Array, eps: number): Float64Array {
  const [n, c] = shape as [number, number];
  const spatial = shape.slice(2).reduce((p, d) => p * d, 1);
  const perGroup = (c / groups) * spatial;
  const out = new Float64Array(x.length);
  for (let ni = 0; ni < n; ni++) for (let g = 0; g < groups; g++) {
    const start = (ni * c + g * (c / groups)) * spatial;
    let mean = 0;
    for (let i = 0; i < perGroup; i++) mean += x[start + i]!;
    mean /= perGroup;
    let variance = 0;
    for (let i = 0; i < perGroup; i++) variance += (x[start + i]! - mean) ** 2;
    variance /= perGroup;
    for (let i = 0; i < perGroup; i++) {
      const channel = g * (c / groups) + Math.floor(i / spatial);
      out[start + i] = ((x[start + i]! - mean) / Math.sqrt(variance + eps)) * gamma[channel]! + beta[channel]!;
    }
  }
  return out;
}

/** Normalizes each row of length `width` (the last dim). */
export function layerNorm(x: Float64Array, width: number, gamma: Float64Array, beta: Float64Array, eps: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let row = 0; row < x.length / width; row++) {
    let mean = 0;
    for (let i = 0; i < width; i++) mean += x[row * width + i]!;
    mean /= width;
    let variance = 0;
    for (let i = 0; i < width; i++) variance += (x[row * width + i]! - mean) ** 2;
    variance /= width;
    for (let i = 0; i < width; i++) out[row * width + i] = ((x[row * width + i]! - mean) / Math.sqrt(variance + eps)) * gamma[i]! + beta[i]!;
  }
  return out;
}

/** x [rows, inF] times w [inF, outF] (the MatMul layout, not torch's Linear [out, in]). */
export function matMul(x: Float64Array, rows: number, inFeatures: number, w: Float64Array, outFeatures: number): Float64Array {
  const out = new Float64Array(rows * outFeatures);
  for (let r = 0; r < rows; r++) for (let o = 0; o < outFeatures; o++) {
    let sum = 0;
    for (let i = 0; i < inFeatures; i++) sum += x[r * inFeatures + i]! * w[i * outFeatures + o]!;
    out[r * outFeatures + o] = sum;
  }
  return out;
}

/** q, k, v [S, C] for one batch item, C split into `heads` heads of C/heads channels. */
export function attention(q: Float64Array, k: Float64Array, v: Float64Array, tokens: number, channels: number, heads: number): Float64Array {
  const headDim = channels / heads;
  const out = new Float64Array(tokens * channels);
  for (let h = 0; h < heads; h++) for (let i = 0; i < tokens; i++) {
    const logits = new Float64Array(tokens);
    for (let j = 0; j < tokens; j++) {
      let dot = 0;
      for (let d = 0; d < headDim; d++) dot += q[i * channels + h * headDim + d]! * k[j * channels + h * headDim + d]!;
      logits[j] = dot / Math.sqrt(headDim);
    }
    const max = Math.max(...logits);
    const weights = logits.map((logit) => Math.exp(logit - max));
    const total = weights.reduce((a, b) => a + b, 0);
    for (let d = 0; d < headDim; d++) {
      let sum = 0;
      for (let j = 0; j < tokens; j++) sum += (weights[j]! / total) * v[j * channels + h * headDim + d]!;
      out[i * channels + h * headDim + d] = sum;
    }
  }
  return out;
}

/** erf by its Maclaurin series (|x| < 3) or the asymptotic complement; error < 1e-12 where used. */
function erf(x: number): number {
  const sign = Math.sign(x);
  const a = Math.abs(x);
  if (a >= 6) return sign;
  if (a < 3) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 100; n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
      if (Math.abs(term) < 1e-17) break;
    }
    return (sign * 2 * sum) / Math.sqrt(Math.PI);
  }
  // erfc continued fraction (Lentz), accurate for a >= 3
  let f = a;
  let c = a;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = a + an * d;
    d = 1 / d;
    c = a + an / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-a * a) / (f * Math.sqrt(Math.PI));
  return sign * (1 - erfc);
}

export function geluErf(x: Float64Array): Float64Array {
  return x.map((value) => 0.5 * value * (1 + erf(value / Math.SQRT2)));
}
