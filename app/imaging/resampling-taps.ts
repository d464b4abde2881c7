/**
 * torch.nn.functional.interpolate's modes as ComfyUI's common_upscale calls them (no align_corners,
 * no antialias), each as per-axis taps: the source indices and weights of every output index. Every
 * mode is separable, so a 2-D resize is the taps applied along the width, then along the height.
 * Index arithmetic follows ATen's CPU kernels (UpSample.h) in float32, so the chosen source pixels
 * agree with PyTorch's where exact arithmetic would round the other way.
 */

export type InterpolateMode = 'nearest-exact' | 'bilinear' | 'area' | 'bicubic';

/** The source indices and weights of each output index along one axis. */
export interface AxisTaps {
  readonly indices: readonly (readonly number[])[];
  readonly weights: readonly (readonly number[])[];
}

const f32 = Math.fround;

/** ATen area_pixel_compute_scale without a given scale factor: input size over output size, in float32. */
const scaleOf = (inSize: number, outSize: number) => f32(inSize / outSize);

/** ATen area_pixel_compute_source_index with align_corners false: the half-pixel rule; linear modes clamp at 0, cubic does not. */
function halfPixelSource(scale: number, dst: number, cubic: boolean): number {
  const source = f32(f32(scale * f32(dst + 0.5)) - 0.5);
  return !cubic && source < 0 ? 0 : source;
}

function nearestExactTaps(inSize: number, outSize: number): AxisTaps {
  const scale = scaleOf(inSize, outSize);
  const indices = Array.from({ length: outSize }, (_, dst) => [Math.min(Math.floor(f32(f32(dst + 0.5) * scale)), inSize - 1)]);
  return { indices, weights: indices.map(() => [1]) };
}

function bilinearTaps(inSize: number, outSize: number): AxisTaps {
  const scale = scaleOf(inSize, outSize);
  const indices: number[][] = [];
  const weights: number[][] = [];
  for (let dst = 0; dst < outSize; dst++) {
    const source = halfPixelSource(scale, dst, false);
    const i0 = Math.min(Math.floor(source), inSize - 1);
    const lambda = Math.min(Math.max(f32(source - i0), 0), 1);
    indices.push([i0, i0 < inSize - 1 ? i0 + 1 : i0]);
    weights.push([1 - lambda, lambda]);
  }
  return { indices, weights };
}

/** Keys' cubic convolution with A = −0.75 (ATen get_cubic_upsample_coefficients). */
function cubicWeights(t: number): number[] {
  const a = -0.75;
  const near = (x: number) => ((a + 2) * x - (a + 3)) * x * x + 1;
  const far = (x: number) => ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

function bicubicTaps(inSize: number, outSize: number): AxisTaps {
  const scale = scaleOf(inSize, outSize);
  const indices: number[][] = [];
  const weights: number[][] = [];
  for (let dst = 0; dst < outSize; dst++) {
    const source = halfPixelSource(scale, dst, true);
    // ATen guard_index_and_lambda: the index may be −1 (its taps are clamped into the image below).
    const index = Math.min(Math.floor(source), inSize - 1);
    const t = Math.min(Math.max(f32(source - index), 0), 1);
    indices.push([-1, 0, 1, 2].map((offset) => Math.min(Math.max(index + offset, 0), inSize - 1)));
    weights.push(cubicWeights(t));
  }
  return { indices, weights };
}

/** adaptive_avg_pool2d: output o averages inputs ⌊o·in/out⌋ … ⌈(o+1)·in/out⌉ − 1. */
function areaTaps(inSize: number, outSize: number): AxisTaps {
  const indices: number[][] = [];
  const weights: number[][] = [];
  for (let dst = 0; dst < outSize; dst++) {
    const start = Math.floor((dst * inSize) / outSize);
    const end = Math.ceil(((dst + 1) * inSize) / outSize);
    indices.push(Array.from({ length: end - start }, (_, k) => start + k));
    weights.push(Array.from({ length: end - start }, () => 1 / (end - start)));
  }
  return { indices, weights };
}

export function axisTaps(mode: InterpolateMode, inSize: number, outSize: number): AxisTaps {
  switch (mode) {
    case 'nearest-exact':
      return nearestExactTaps(inSize, outSize);
    case 'bilinear':
      return bilinearTaps(inSize, outSize);
    case 'bicubic':
      return bicubicTaps(inSize, outSize);
    case 'area':
      return areaTaps(inSize, outSize);
  }
}

/** Resizes every [h, w] plane of `planes` (NCHW: `count` planes) with separable taps. */
export function interpolatePlanes(planes: Float32Array, count: number, from: { height: number; width: number }, to: { height: number; width: number }, mode: InterpolateMode): Float32Array {
  const cols = axisTaps(mode, from.width, to.width);
  const rows = axisTaps(mode, from.height, to.height);
  const widened = new Float32Array(count * from.height * to.width);
  for (let line = 0; line < count * from.height; line++) {
    for (let x = 0; x < to.width; x++) {
      widened[line * to.width + x] = weightedSum(planes, line * from.width, 1, cols.indices[x]!, cols.weights[x]!);
    }
  }
  const out = new Float32Array(count * to.height * to.width);
  for (let plane = 0; plane < count; plane++) {
    for (let y = 0; y < to.height; y++) {
      for (let x = 0; x < to.width; x++) {
        out[(plane * to.height + y) * to.width + x] = weightedSum(widened, plane * from.height * to.width + x, to.width, rows.indices[y]!, rows.weights[y]!);
      }
    }
  }
  return out;
}

function weightedSum(data: Float32Array, base: number, stride: number, indices: readonly number[], weights: readonly number[]): number {
  let sum = 0;
  for (let k = 0; k < indices.length; k++) sum += weights[k]! * data[base + indices[k]! * stride]!;
  return sum;
}
