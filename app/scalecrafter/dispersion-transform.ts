/**
 * Dispersed convolution (ScaleCrafter paper §3.3, docs/scalecrafter-method.md §3): a linear map R from a
 * k×k kernel to a K×K kernel such that the large kernel applied to an upsampled input matches the
 * upsampled output of the small kernel (structure level) while staying close to the small kernel
 * on the original input (pixel level):
 *
 *   R = argmin Σ_h ‖Up(f_k(h)) − f_{Rk}(Up(h))‖² + η²‖f_k(h) − f_{Rk}(h)‖²,
 *
 * summed over the one-hot inputs h = e_p of size n = k, as the reference's MATLAB solver
 * (disperse/kernel_disperse.m) does symbolically. η multiplies the pixel-level rows, so its
 * effective squared weight is η².
 */
import { Matrix, QrDecomposition } from 'ml-matrix';
import { UserFacingError } from '../protocol/user-facing-error.js';

export interface DispersionTransformParams {
  /** k: the size of the kernel being dispersed (odd). */
  readonly smallKernelSize: number;
  /** K: the size of the dispersed kernel (odd, larger than k). */
  readonly largeKernelSize: number;
  /** s: the upsampling factor the large kernel's receptive field is calibrated for. */
  readonly upsampleFactor: number;
  /** η ≥ 0: weight of the pixel-level term. */
  readonly eta: number;
}

/** The reference's transform: 3×3 → 5×5, s = 2, η = 0.05. */
export const DEFAULT_DISPERSION_PARAMS: DispersionTransformParams = {
  smallKernelSize: 3,
  largeKernelSize: 5,
  upsampleFactor: 2,
  eta: 0.05,
};

/** R as plain data: K² rows × k² columns, row-major; kernels are flattened row-major. */
export interface DispersionTransform {
  readonly params: DispersionTransformParams;
  readonly rows: number;
  readonly columns: number;
  readonly matrix: Float64Array;
}

function checkParams({ smallKernelSize: k, largeKernelSize: K, upsampleFactor: s, eta }: DispersionTransformParams): void {
  const oddSize = (size: number) => Number.isInteger(size) && size >= 1 && size % 2 === 1;
  if (!oddSize(k) || !oddSize(K) || K <= k) {
    throw new UserFacingError(`kernel sizes must be odd with the large one bigger: got ${k} → ${K} (e.g. 3 → 5)`);
  }
  if (!Number.isInteger(s) || s < 1) throw new UserFacingError(`the upsample factor must be an integer ≥ 1, got ${s}`);
  if (!(Number.isFinite(eta) && eta >= 0)) throw new UserFacingError(`η must be a finite number ≥ 0, got ${eta}`);
}

/** A square image, row-major. */
interface Square {
  readonly size: number;
  readonly data: Float64Array;
}

function oneHot(size: number, index: number): Square {
  const data = new Float64Array(size * size);
  data[index] = 1;
  return { size, data };
}

/**
 * Align-corners bilinear upsampling to s(n − 1) + 1 samples per side (the MATLAB reference's
 * bilinear_upsample_symbolic): output i reads input r = i/s, weight 1 − a at ⌊r⌋ and a above.
 */
function upsample(image: Square, factor: number): Square {
  const n = image.size;
  const m = factor * (n - 1) + 1;
  const taps = Array.from({ length: m }, (_, i) => {
    const low = Math.floor(i / factor);
    const frac = i / factor - low;
    return frac > 0 ? [[low, 1 - frac], [low + 1, frac]] : [[low, 1]];
  });
  const data = new Float64Array(m * m);
  for (let y = 0; y < m; y++) {
    for (let x = 0; x < m; x++) {
      let sum = 0;
      for (const [sy, wy] of taps[y]!) for (const [sx, wx] of taps[x]!) sum += wy! * wx! * image.data[sy! * n + sx!]!;
      data[y * m + x] = sum;
    }
  }
  return { size: m, data };
}

/** Same-size cross-correlation with zero padding (kernel − 1)/2 (the reference's conv2d.m). */
function correlateSame(image: Square, kernel: Square): Square {
  const n = image.size;
  const pad = (kernel.size - 1) / 2;
  const data = new Float64Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let sum = 0;
      for (let ky = 0; ky < kernel.size; ky++) {
        const iy = y + ky - pad;
        if (iy < 0 || iy >= n) continue;
        for (let kx = 0; kx < kernel.size; kx++) {
          const ix = x + kx - pad;
          if (ix >= 0 && ix < n) sum += kernel.data[ky * kernel.size + kx]! * image.data[iy * n + ix]!;
        }
      }
      data[y * n + x] = sum;
    }
  }
  return { size: n, data };
}

/** One row per output pixel, one column per kernel element's response. */
function responseRows(responses: readonly Square[]): number[][] {
  return Array.from({ length: responses[0]!.data.length }, (_, o) => responses.map((response) => response.data[o]!));
}

function oneHotKernels(size: number): Square[] {
  return Array.from({ length: size * size }, (_, element) => oneHot(size, element));
}

/**
 * The least-squares system A·R ≈ B. Column j of A is the response of the large kernel's one-hot
 * element j, column l of B that of the small kernel's element l, stacked over one-hot inputs e_p:
 * A = [S_b; η·P_b], B = [S_a; η·P_a] (docs/scalecrafter-method.md §3).
 */
export function dispersionSystem(params: DispersionTransformParams): { readonly a: Matrix; readonly b: Matrix } {
  checkParams(params);
  const { smallKernelSize: k, largeKernelSize: K, upsampleFactor: s, eta } = params;
  const inputSize = k; // n = 3 for 3 → 5, the size the reference's R was solved for
  const small = oneHotKernels(k);
  const large = oneHotKernels(K);
  const structureA: number[][] = [];
  const structureB: number[][] = [];
  const pixelA: number[][] = [];
  const pixelB: number[][] = [];
  for (const input of oneHotKernels(inputSize)) {
    const upInput = upsample(input, s);
    structureA.push(...responseRows(large.map((kernel) => correlateSame(upInput, kernel))));
    structureB.push(...responseRows(small.map((kernel) => upsample(correlateSame(input, kernel), s))));
    pixelA.push(...responseRows(large.map((kernel) => correlateSame(input, kernel))));
    pixelB.push(...responseRows(small.map((kernel) => correlateSame(input, kernel))));
  }
  const weighted = (rows: number[][]) => rows.map((row) => row.map((value) => eta * value));
  return {
    a: new Matrix([...structureA, ...weighted(pixelA)]),
    b: new Matrix([...structureB, ...weighted(pixelB)]),
  };
}

/**
 * Solves for R by Householder QR rather than the reference's normal equations (AᵀA)⁻¹AᵀB:
 * both give the same minimiser, but QR does not square A's condition number. For 3 → 5, s = 2,
 * η = 0.05, cond(A) ≈ 19, so the two agree to ~1e-13; QR keeps small η and larger K safe.
 */
export function computeDispersionTransform(params: DispersionTransformParams): DispersionTransform {
  const { a, b } = dispersionSystem(params);
  const qr = new QrDecomposition(a);
  if (!qr.isFullRank()) {
    throw new UserFacingError(
      `the dispersion system for ${params.smallKernelSize} → ${params.largeKernelSize}, s = ${params.upsampleFactor}, ` +
        `η = ${params.eta} is rank deficient; use a larger η or a smaller large kernel`,
    );
  }
  const solution = qr.solve(b);
  return {
    params: { ...params },
    rows: solution.rows,
    columns: solution.columns,
    matrix: Float64Array.from(solution.to1DArray()),
  };
}

/**
 * Disperses conv weights [O, I, k, k] → [O, I, K, K]: W_K[o,i,:] = R · W_k[o,i,:] (the
 * reference's inflate_kernels einsum "mn, ion -> iom"). The bias is unchanged.
 */
export function disperseConvWeights(
  transform: DispersionTransform,
  weights: Float32Array,
  outChannels: number,
  inChannels: number,
): Float32Array {
  const { rows, columns, matrix } = transform;
  const kernels = outChannels * inChannels;
  if (weights.length !== kernels * columns) {
    throw new UserFacingError(
      `weights hold ${weights.length} values; [${outChannels}, ${inChannels}, ` +
        `${transform.params.smallKernelSize}, ${transform.params.smallKernelSize}] needs ${kernels * columns}`,
    );
  }
  const dispersed = new Float32Array(kernels * rows);
  for (let kernel = 0; kernel < kernels; kernel++) {
    const source = kernel * columns;
    for (let row = 0; row < rows; row++) {
      let sum = 0;
      for (let column = 0; column < columns; column++) sum += matrix[row * columns + column]! * weights[source + column]!;
      dispersed[kernel * rows + row] = sum;
    }
  }
  return dispersed;
}
