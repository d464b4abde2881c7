/**
 * Lanczos resampling (a = 3) written straight from its definition, as a check on
 * app/imaging/lanczos.ts: output pixel (y, x) is Σᵢ Σⱼ w_y(i) · w_x(j) · src(i, j) with
 * w(t) = sinc(t) · sinc(t / 3) for |t| < 3, t measured from the output pixel's centre mapped into the
 * source, (out + ½) · in/out, in source pixels divided by max(in/out, 1) (the kernel widened when
 * shrinking), and each axis's weights normalised to sum 1 — in float64, as one 2-D sum, with no
 * fixed point and no rounding between the axes. Samples are bytes in, unrounded floats out.
 */

function kernel(t: number): number {
  const sinc = (v: number) => (v === 0 ? 1 : Math.sin(Math.PI * v) / (Math.PI * v));
  return Math.abs(t) < 3 ? sinc(t) * sinc(t / 3) : 0;
}

/** The normalised weight of every source index for output index `out`. */
function axisWeights(inSize: number, outSize: number, out: number): number[] {
  const scale = inSize / outSize;
  const widen = Math.max(scale, 1);
  const centre = (out + 0.5) * scale;
  const raw = Array.from({ length: inSize }, (_, i) => kernel((i + 0.5 - centre) / widen));
  const total = raw.reduce((sum, weight) => sum + weight, 0);
  return raw.map((weight) => weight / total);
}

/** One [height, width] plane of bytes resized to `toHeight` × `toWidth`; values clamped to [0, 255]. */
export function lanczosResizeBytes(plane: ArrayLike<number>, height: number, width: number, toHeight: number, toWidth: number): Float64Array {
  const rows = Array.from({ length: toHeight }, (_, y) => axisWeights(height, toHeight, y));
  const cols = Array.from({ length: toWidth }, (_, x) => axisWeights(width, toWidth, x));
  const out = new Float64Array(toHeight * toWidth);
  for (let y = 0; y < toHeight; y++) {
    for (let x = 0; x < toWidth; x++) {
      let sum = 0;
      for (let i = 0; i < height; i++) for (let j = 0; j < width; j++) sum += rows[y]![i]! * cols[x]![j]! * plane[i * width + j]!;
      out[y * toWidth + x] = Math.min(Math.max(sum, 0), 255);
    }
  }
  return out;
}
