/**
 * FreeU's skip-feature filter (Si et al., FreeU; free_lunch_utils.py `Fourier_filter` with
 * threshold 1, as the ScaleCrafter reference copies it) without an FFT, for run-time H and W:
 *
 *   reference: X̂ = fftshift(fft2(x)); X̂[crow−1 : crow+1, ccol−1 : ccol+1] *= s; out = ifft2(ifftshift(X̂)).real
 *
 * fftshift puts frequency 0 at index ⌊n/2⌋ and −1 just before it, so the four scaled bins are the
 * frequencies {0, −1}² (for n = 1 the slice holds frequency 0 only). With x real,
 *
 *   out = x + (s − 1)·Re(P_H x P_Wᵀ),   P_n[y, y'] = (1/n)·Σ_{k∈{0,−1}} e^{2πik(y−y')/n}
 *
 * and with the basis U_n = [1, c, s] (c_y = cos 2πy/n, s_y = sin 2πy/n) Re P_n = U_n Uₙᵀ/n and
 * Im P_n = U_n J Uₙᵀ/n, J = [[0,0,0],[0,0,1],[0,−1,0]] (cos(a−b) = ca·cb + sa·sb,
 * −sin(a−b) = ca·sb − sa·cb). Hence
 *
 *   Re(P_H x P_Wᵀ) = U_H (Z − J Z Jᵀ) U_Wᵀ / (H·W),   Z = U_Hᵀ x U_W   (3×3 per image and channel)
 *
 * — four thin MatMuls, about six multiply-adds per element. For n = 1 the frequency −1 is the
 * frequency 0 again and must not count twice: c is zeroed there (s is sin 0 = 0 already).
 * The input is float32, as the reference computes the filter in float32.
 */
import type { GraphBuilder, Value } from '../../onnx/graph-builder.js';
import * as op from '../../onnx/ops.js';

const scalarIndex = (g: GraphBuilder, index: number) => op.constant(g, 'int64', [], BigInt64Array.of(BigInt(index)));

/** [n, 3] float32: columns 1, cos(2πy/n)·[n > 1], sin(2πy/n) for y = 0 … n−1 (n: int64 scalar). */
function lowFrequencyBasis(g: GraphBuilder, n: Value): Value {
  const positions = op.cast(g, g.node('Range', [op.constantScalar(g, 'int64', 0), n, op.constantScalar(g, 'int64', 1)])[0]!, { to: 'float32' });
  const step = op.div(g, op.constantScalar(g, 'float32', 2 * Math.PI), op.cast(g, n, { to: 'float32' }));
  const angle = op.mul(g, positions, step);
  const hasNegativeFrequency = op.cast(g, g.node('Greater', [n, op.constantScalar(g, 'int64', 1)])[0]!, { to: 'float32' });
  const cosine = op.mul(g, op.cos(g, angle), hasNegativeFrequency);
  const sine = op.sin(g, angle);
  const ones = op.expand(g, op.constant(g, 'float32', [1], Float32Array.of(1)), op.unsqueeze(g, n, op.constantInt64(g, [0])));
  const column = (values: Value) => op.unsqueeze(g, values, op.constantInt64(g, [1]));
  return op.concat(g, [column(ones), column(cosine), column(sine)], { axis: 1 });
}

/**
 * x + (scale − 1)·(the part of x at frequencies {0, −1}² of each H×W plane): FreeU's
 * Fourier_filter(x, threshold = 1, scale). `x` float32 [B, C, H, W]; `scale` float32 scalar.
 */
export function scaleLowestFrequencies(g: GraphBuilder, x: Value, scale: Value): Value {
  const shape = op.shape(g, x);
  const height = op.gather(g, shape, scalarIndex(g, 2), { axis: 0 });
  const width = op.gather(g, shape, scalarIndex(g, 3), { axis: 0 });
  const basisH = lowFrequencyBasis(g, height);
  const basisW = lowFrequencyBasis(g, width);
  // Z = U_Hᵀ x U_W: [B, C, H, W]·[W, 3] → [B, C, H, 3]; [3, H]·that → [B, C, 3, 3]
  const coefficients = op.matMul(g, op.transpose(g, basisH, { perm: [1, 0] }), op.matMul(g, x, basisW));
  const j = op.constant(g, 'float32', [3, 3], Float32Array.of(0, 0, 0, 0, 0, 1, 0, -1, 0));
  const jTransposed = op.constant(g, 'float32', [3, 3], Float32Array.of(0, 0, 0, 0, 0, -1, 0, 1, 0));
  const real = op.sub(g, coefficients, op.matMul(g, op.matMul(g, j, coefficients), jTransposed));
  const area = op.cast(g, op.mul(g, height, width), { to: 'float32' });
  const gain = op.div(g, op.sub(g, scale, op.constantScalar(g, 'float32', 1)), area);
  const lowFrequencies = op.matMul(g, op.matMul(g, basisH, op.mul(g, real, gain)), op.transpose(g, basisW, { perm: [1, 0] }));
  return op.add(g, x, lowFrequencies);
}
