/**
 * torch.nn.functional.interpolate on NCHW, modes 'nearest' and 'bilinear' (align_corners=False,
 * antialias=False), following ATen's CPU kernels (UpSample.h) including their float32 index
 * arithmetic, so the chosen source pixels agree with PyTorch even where exact arithmetic would
 * round the other way.
 */
import { NdArray, zeros } from './ndarray.js';

const f32 = Math.fround;

/**
 * Nearest ('nearest', the legacy mode diffusers' Upsample2D uses): ATen's nearest_idx —
 * same size → identity; double size → dst >> 1; otherwise min(floor(dst · scale), in − 1)
 * with scale = float(in) / out computed in float32.
 */
export function upsampleNearest(x: NdArray, outH: number, outW: number): NdArray {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const rows = Array.from({ length: outH }, (_, dst) => nearestSource(dst, height, outH));
  const cols = Array.from({ length: outW }, (_, dst) => nearestSource(dst, width, outW));
  const out = zeros([batch, channels, outH, outW]);
  for (let plane = 0; plane < batch * channels; plane++) {
    for (let y = 0; y < outH; y++) {
      for (let xx = 0; xx < outW; xx++) {
        out.data[(plane * outH + y) * outW + xx] = x.data[(plane * height + rows[y]!) * width + cols[xx]!]!;
      }
    }
  }
  return out;
}

/** F.interpolate(x, scale_factor=2.0, mode='nearest'): what diffusers' Upsample2D does before its conv. */
export function upsampleNearest2x(x: NdArray): NdArray {
  return upsampleNearest(x, x.shape[2]! * 2, x.shape[3]! * 2);
}

function nearestSource(dst: number, inSize: number, outSize: number): number {
  if (outSize === inSize) return dst;
  if (outSize === 2 * inSize) return dst >> 1;
  const scale = f32(inSize / outSize);
  return Math.min(Math.floor(f32(dst * scale)), inSize - 1);
}

/**
 * Bilinear with align_corners=False: source = scale·(dst + 0.5) − 0.5 with scale = in/out
 * (the half-pixel rule), negative sources clamped to 0 (ATen area_pixel_compute_source_index),
 * neighbour i0 = min(floor(src), in − 1), i1 = i0 + 1 unless at the edge, λ = src − i0.
 * Unlike ONNX's 'pytorch_half_pixel', an output size of 1 is not special-cased: PyTorch's CPU
 * kernel uses the same formula (source = in/2 − 0.5).
 */
export function bilinearResize(x: NdArray, outH: number, outW: number): NdArray {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const rows = Array.from({ length: outH }, (_, dst) => linearTaps(dst, height, outH));
  const cols = Array.from({ length: outW }, (_, dst) => linearTaps(dst, width, outW));
  const out = zeros([batch, channels, outH, outW]);
  for (let plane = 0; plane < batch * channels; plane++) {
    const base = plane * height * width;
    for (let y = 0; y < outH; y++) {
      const row = rows[y]!;
      for (let xx = 0; xx < outW; xx++) {
        const col = cols[xx]!;
        const top = (1 - col.lambda) * x.data[base + row.i0 * width + col.i0]! + col.lambda * x.data[base + row.i0 * width + col.i1]!;
        const bottom = (1 - col.lambda) * x.data[base + row.i1 * width + col.i0]! + col.lambda * x.data[base + row.i1 * width + col.i1]!;
        out.data[(plane * outH + y) * outW + xx] = (1 - row.lambda) * top + row.lambda * bottom;
      }
    }
  }
  return out;
}

function linearTaps(dst: number, inSize: number, outSize: number): { i0: number; i1: number; lambda: number } {
  const scale = f32(inSize / outSize);
  const unclamped = f32(f32(scale * f32(dst + 0.5)) - 0.5);
  const source = unclamped < 0 ? 0 : unclamped;
  const i0 = Math.min(Math.floor(source), inSize - 1);
  const i1 = i0 < inSize - 1 ? i0 + 1 : i0;
  const lambda = Math.min(Math.max(f32(source - i0), 0), 1);
  return { i0, i1, lambda };
}

/**
 * 'nearest-exact' (ATen nearest_neighbor_exact_compute_source_index): source = min(floor((dst + 0.5)
 * · in/out), in − 1), the scale in float32.
 */
export function nearestExactResize(x: NdArray, outH: number, outW: number): NdArray {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const source = (dst: number, inSize: number, outSize: number) => Math.min(Math.floor(f32((dst + 0.5) * f32(inSize / outSize))), inSize - 1);
  const out = zeros([batch, channels, outH, outW]);
  for (let plane = 0; plane < batch * channels; plane++) {
    for (let y = 0; y < outH; y++) {
      for (let xx = 0; xx < outW; xx++) {
        out.data[(plane * outH + y) * outW + xx] = x.data[(plane * height + source(y, height, outH)) * width + source(xx, width, outW)]!;
      }
    }
  }
  return out;
}

/** Keys' cubic convolution kernel W(d) with a = −0.75 (the published piecewise form). */
function keysKernel(d: number): number {
  const a = -0.75;
  const x = Math.abs(d);
  if (x <= 1) return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1;
  if (x < 2) return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a;
  return 0;
}

/**
 * 'bicubic' (align_corners=False): the 4 × 4 neighbourhood of source = (dst + 0.5)·in/out − 0.5,
 * unclamped, each tap weighted by W(distance) in both axes, tap indices clamped into the image.
 */
export function bicubicResize(x: NdArray, outH: number, outW: number): NdArray {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const out = zeros([batch, channels, outH, outW]);
  for (let plane = 0; plane < batch * channels; plane++) {
    for (let y = 0; y < outH; y++) {
      const sy = ((y + 0.5) * height) / outH - 0.5;
      const fy = Math.floor(sy);
      for (let xx = 0; xx < outW; xx++) {
        const sx = ((xx + 0.5) * width) / outW - 0.5;
        const fx = Math.floor(sx);
        let sum = 0;
        for (let j = fy - 1; j <= fy + 2; j++) {
          for (let i = fx - 1; i <= fx + 2; i++) {
            const value = x.data[(plane * height + clampIndex(j, height)) * width + clampIndex(i, width)]!;
            sum += keysKernel(sy - j) * keysKernel(sx - i) * value;
          }
        }
        out.data[(plane * outH + y) * outW + xx] = sum;
      }
    }
  }
  return out;
}

const clampIndex = (index: number, size: number) => Math.min(Math.max(index, 0), size - 1);

/** 'area' = adaptive_avg_pool2d: the mean of rows ⌊y·H/outH⌋ … ⌈(y+1)·H/outH⌉ − 1 by the same columns. */
export function areaResize(x: NdArray, outH: number, outW: number): NdArray {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const out = zeros([batch, channels, outH, outW]);
  for (let plane = 0; plane < batch * channels; plane++) {
    for (let y = 0; y < outH; y++) {
      const y0 = Math.floor((y * height) / outH);
      const y1 = Math.ceil(((y + 1) * height) / outH);
      for (let xx = 0; xx < outW; xx++) {
        const x0 = Math.floor((xx * width) / outW);
        const x1 = Math.ceil(((xx + 1) * width) / outW);
        let sum = 0;
        for (let j = y0; j < y1; j++) for (let i = x0; i < x1; i++) sum += x.data[(plane * height + j) * width + i]!;
        out.data[(plane * outH + y) * outW + xx] = sum / ((y1 - y0) * (x1 - x0));
      }
    }
  }
  return out;
}

/**
 * ComfyUI's bislerp, written from its definition: along the width, then the height, each output
 * pixel's channel vector is the slerp of its two bilinear neighbours' vectors, at the bilinear
 * fraction, with the length interpolated linearly; nearly parallel vectors give the first vector,
 * nearly opposite ones a plain lerp.
 */
export function bislerpResize(x: NdArray, outH: number, outW: number): NdArray {
  const widened = bislerpAlong(x, outW, 3);
  return bislerpAlong(widened, outH, 2);
}

function bislerpAlong(x: NdArray, outSize: number, axis: 2 | 3): NdArray {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const inSize = axis === 3 ? width : height;
  const shape = axis === 3 ? [batch, channels, height, outSize] : [batch, channels, outSize, width];
  const out = zeros(shape);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outSize; o++) {
      // The bilinear source position (half-pixel rule, clamped to the image), its floor and fraction.
      const position = Math.min(Math.max(((o + 0.5) * inSize) / outSize - 0.5, 0), inSize - 1);
      const first = Math.floor(position);
      const second = Math.min(first + 1, inSize - 1);
      const ratio = position - first;
      for (let other = 0; other < (axis === 3 ? height : width); other++) {
        const vector = (index: number) => Array.from({ length: channels }, (_, c) => (axis === 3 ? x.at(n, c, other, index) : x.at(n, c, index, other)));
        const mixed = slerp(vector(first), vector(second), ratio);
        mixed.forEach((value, c) => {
          const at = axis === 3 ? ((n * channels + c) * height + other) * outSize + o : ((n * channels + c) * outSize + o) * width + other;
          out.data[at] = value;
        });
      }
    }
  }
  return out;
}

function slerp(a: number[], b: number[], r: number): number[] {
  const norm = (v: number[]) => Math.sqrt(v.reduce((sum, value) => sum + value * value, 0));
  const [na, nb] = [norm(a), norm(b)];
  const ua = a.map((value) => (na === 0 ? 0 : value / na));
  const ub = b.map((value) => (nb === 0 ? 0 : value / nb));
  const dot = ua.reduce((sum, value, c) => sum + value * ub[c]!, 0);
  if (dot > 1 - 1e-5) return a;
  if (dot < 1e-5 - 1) return a.map((value, c) => value * (1 - r) + b[c]! * r);
  const omega = Math.acos(dot);
  const length = na * (1 - r) + nb * r;
  return ua.map((value, c) => ((Math.sin((1 - r) * omega) * value + Math.sin(r * omega) * ub[c]!) / Math.sin(omega)) * length);
}
