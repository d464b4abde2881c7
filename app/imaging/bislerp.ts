/**
 * ComfyUI's "bislerp" latent upscale (comfy/utils.py bislerp): bilinear in position, but each pair
 * of neighbouring latent pixels is blended by spherical interpolation of their channel vectors
 * (direction slerped, length lerped), along the width and then along the height. Latent pixels are
 * directions more than values, and a plain lerp of two unlike ones shrinks toward zero.
 */
import { axisTaps } from './resampling-taps.js';

const f32 = Math.fround;

interface SlerpAxis {
  readonly first: readonly number[];
  readonly second: readonly number[];
  readonly ratios: readonly number[];
}

/**
 * ComfyUI's generate_bilinear_data: the bilinear resize of the coordinate ramp 0 … n−1 gives each
 * output's fractional source coordinate (its floor and fraction: first neighbour and ratio); the
 * resize of the ramp 1 … n−1, n−1 gives the second neighbour (clamped at the last pixel).
 */
function slerpAxis(inSize: number, outSize: number): SlerpAxis {
  const taps = axisTaps('bilinear', inSize, outSize);
  const resizedRamp = (at: (index: number) => number) => taps.indices.map((indices, dst) => {
    const weights = taps.weights[dst]!;
    return f32(f32(f32(weights[0]!) * at(indices[0]!)) + f32(f32(weights[1]!) * at(indices[1]!)));
  });
  const coordinates = resizedRamp((index) => index);
  const seconds = resizedRamp((index) => Math.min(index + 1, inSize - 1));
  return {
    first: coordinates.map((value) => Math.trunc(value)),
    second: seconds.map((value) => Math.trunc(value)),
    ratios: coordinates.map((value) => f32(value - Math.floor(value))),
  };
}

/** Slerps channel vectors a and b (length C) by r into `out`, with ComfyUI's edge cases. */
export function slerpVectors(a: Float64Array, b: Float64Array, r: number, out: Float64Array): void {
  const normA = Math.hypot(...a);
  const normB = Math.hypot(...b);
  let dot = 0;
  for (let c = 0; c < a.length; c++) dot += (normA === 0 ? 0 : a[c]! / normA) * (normB === 0 ? 0 : b[c]! / normB);
  if (dot > 1 - 1e-5) {
    out.set(a);
    return;
  }
  if (dot < 1e-5 - 1) {
    for (let c = 0; c < a.length; c++) out[c] = a[c]! * (1 - r) + b[c]! * r;
    return;
  }
  const omega = Math.acos(dot);
  const sinOmega = Math.sin(omega);
  const weightA = Math.sin((1 - r) * omega) / sinOmega;
  const weightB = Math.sin(r * omega) / sinOmega;
  const length = normA * (1 - r) + normB * r;
  for (let c = 0; c < a.length; c++) {
    out[c] = (weightA * (normA === 0 ? 0 : a[c]! / normA) + weightB * (normB === 0 ? 0 : b[c]! / normB)) * length;
  }
}

/** One slerp pass along an axis of NCHW data: `stride` steps along that axis, `lines` enumerates the other. */
function slerpPass(data: Float32Array, dims: { batch: number; channels: number; height: number; width: number }, alongWidth: boolean, outSize: number): Float32Array {
  const { batch, channels, height, width } = dims;
  const axis = slerpAxis(alongWidth ? width : height, outSize);
  const outHeight = alongWidth ? height : outSize;
  const outWidth = alongWidth ? outSize : width;
  const out = new Float32Array(batch * channels * outHeight * outWidth);
  const a = new Float64Array(channels);
  const b = new Float64Array(channels);
  const mixed = new Float64Array(channels);
  for (let n = 0; n < batch; n++) {
    for (let y = 0; y < outHeight; y++) {
      for (let x = 0; x < outWidth; x++) {
        const dst = alongWidth ? x : y;
        const at = (source: number, c: number) => data[((n * channels + c) * height + (alongWidth ? y : source)) * width + (alongWidth ? source : x)]!;
        for (let c = 0; c < channels; c++) {
          a[c] = at(axis.first[dst]!, c);
          b[c] = at(axis.second[dst]!, c);
        }
        slerpVectors(a, b, axis.ratios[dst]!, mixed);
        for (let c = 0; c < channels; c++) out[((n * channels + c) * outHeight + y) * outWidth + x] = mixed[c]!;
      }
    }
  }
  return out;
}

/** NCHW [batch, channels, height, width] → [batch, channels, toHeight, toWidth]. */
export function bislerp(data: Float32Array, dims: readonly [number, number, number, number], toHeight: number, toWidth: number): Float32Array {
  const [batch, channels, height, width] = dims;
  const widened = slerpPass(data, { batch, channels, height, width }, true, toWidth);
  return slerpPass(widened, { batch, channels, height, width: toWidth }, false, toHeight);
}
