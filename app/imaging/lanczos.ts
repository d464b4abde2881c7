/**
 * ComfyUI's "lanczos" image upscale (comfy/utils.py `lanczos`, which common_upscale calls for it):
 * each image goes to 8 bits as numpy's `clip(255·x, 0, 255).astype(uint8)` does (truncating), through
 * Pillow's `Image.resize(…, LANCZOS)`, and back as `/ 255`. Pillow's resampler (libImaging/Resample.c)
 * is reproduced so the bytes match: the Lanczos kernel with a = 3, its support widened by the
 * downscale factor, each output's weights normalised to sum 1 and then held in fixed point with 22
 * fraction bits; a horizontal pass, then a vertical one, each rounded and clipped to 8 bits.
 */

/** Pillow's PRECISION_BITS for 8-bit images (32 − 8 − 2). */
const PRECISION_BITS = 22;
const ONE = 2 ** PRECISION_BITS;
const LOBES = 3;

function sinc(x: number): number {
  if (x === 0) return 1;
  const scaled = x * Math.PI;
  return Math.sin(scaled) / scaled;
}

/** sinc(x)·sinc(x/3) on [−3, 3), 0 outside (Pillow's half-open window). */
const lanczosKernel = (x: number): number => (x >= -LOBES && x < LOBES ? sinc(x) * sinc(x / LOBES) : 0);

/** Per output index: the first source index and the fixed-point weights of the sources from there on. */
interface AxisCoefficients {
  first: Int32Array;
  weights: Int32Array[];
}

/** Pillow's precompute_coeffs and normalize_coeffs_8bpc for one axis (the whole input, no box). */
export function lanczosCoefficients(inSize: number, outSize: number): AxisCoefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = LOBES * filterScale;
  const first = new Int32Array(outSize);
  const weights: Int32Array[] = [];
  for (let out = 0; out < outSize; out++) {
    const center = (out + 0.5) * scale;
    // C's (int) cast truncates toward zero; Pillow then clamps into the image.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const count = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    const raw = Array.from({ length: count }, (_, k) => lanczosKernel((k + xmin - center + 0.5) / filterScale));
    const total = raw.reduce((sum, weight) => sum + weight, 0);
    first[out] = xmin;
    weights.push(Int32Array.from(raw, (weight) => fixedPoint(total === 0 ? weight : weight / total)));
  }
  return { first, weights };
}

/** Rounded half away from zero, as Pillow's `(int)(±0.5 + k · 2^22)`. */
const fixedPoint = (weight: number): number => Math.trunc(weight < 0 ? -0.5 + weight * ONE : 0.5 + weight * ONE);

/** Pillow's clip8: the fixed-point sum (rounding offset included) back to a byte. */
function clip8(sum: number): number {
  if (sum <= 0) return 0;
  return sum >= ONE * 256 ? 255 : Math.floor(sum / ONE);
}

/** Where a pass reads and writes: the step between samples along the axis and between lines, in and out. */
interface PassLayout {
  lines: number;
  step: number;
  lineStep: number;
  outStep: number;
  outLineStep: number;
}

/** One Pillow pass (ImagingResampleHorizontal/Vertical_8bpc) along an axis of every line. */
function resamplePass(source: Uint8Array, target: Uint8Array, coefficients: AxisCoefficients, layout: PassLayout): void {
  for (let line = 0; line < layout.lines; line++) {
    coefficients.weights.forEach((weights, out) => {
      let sum = ONE / 2;
      const start = line * layout.lineStep + coefficients.first[out]! * layout.step;
      for (let k = 0; k < weights.length; k++) sum += source[start + k * layout.step]! * weights[k]!;
      target[line * layout.outLineStep + out * layout.outStep] = clip8(sum);
    });
  }
}

/** numpy's `clip(255·x, 0, 255).astype(uint8)` on float32 samples: the product in float32, then truncated. */
export function toBytes(planes: Float32Array): Uint8Array {
  return Uint8Array.from(planes, (value) => Math.trunc(Math.min(Math.max(Math.fround(255 * value), 0), 255)));
}

/** Resizes `count` planes of `from` to `to` as ComfyUI's lanczos does; samples in [0, 1] out. */
export function lanczosPlanes(planes: Float32Array, count: number, from: { height: number; width: number }, to: { height: number; width: number }): Float32Array {
  let bytes = toBytes(planes);
  let width = from.width;
  // Pillow skips a pass whose axis keeps its size.
  if (to.width !== from.width) {
    const widened = new Uint8Array(count * from.height * to.width);
    resamplePass(bytes, widened, lanczosCoefficients(from.width, to.width), { lines: count * from.height, step: 1, lineStep: from.width, outStep: 1, outLineStep: to.width });
    bytes = widened;
    width = to.width;
  }
  if (to.height !== from.height) {
    const heightened = new Uint8Array(count * to.height * width);
    const rows = lanczosCoefficients(from.height, to.height);
    // Each plane's columns are the lines of this pass.
    for (let plane = 0; plane < count; plane++) {
      const source = bytes.subarray(plane * from.height * width, (plane + 1) * from.height * width);
      const target = heightened.subarray(plane * to.height * width, (plane + 1) * to.height * width);
      resamplePass(source, target, rows, { lines: width, step: width, lineStep: 1, outStep: width, outLineStep: 1 });
    }
    bytes = heightened;
  }
  return Float32Array.from(bytes, (byte) => byte / 255);
}
