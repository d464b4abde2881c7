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
