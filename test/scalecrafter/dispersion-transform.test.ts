/**
 * The dispersion transform R (docs/scalecrafter-method.md §3) against the spec's published values, its
 * symmetries, an analytic case, and the objective it minimises, evaluated here by a naive
 * upsample + convolution written independently of the implementation.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Matrix } from 'ml-matrix';
import { computeDispersionTransform, DEFAULT_DISPERSION_PARAMS, disperseConvWeights, dispersionSystem, type DispersionTransform, type DispersionTransformParams } from '../../app/scalecrafter/dispersion-transform.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';
import { seededUniform } from '../support/seeded-random.js';

/** Deterministic uniform(-1, 1) numbers. */
function random(seed: number): () => number {
  const uniform = seededUniform(seed);
  return () => uniform() * 2 - 1;
}

type Grid = number[][];

/** Bilinear, align-corners: output y samples input y/s, m = s(n−1)+1. */
function naiveUpsample(image: Grid, s: number): Grid {
  const n = image.length;
  const m = s * (n - 1) + 1;
  const sample = (position: number) => {
    const low = Math.min(Math.floor(position), n - 1);
    const high = Math.min(low + 1, n - 1);
    return { low, high, weight: position - low };
  };
  return Array.from({ length: m }, (_, y) =>
    Array.from({ length: m }, (__, x) => {
      const sy = sample(y / s);
      const sx = sample(x / s);
      const row = (r: number) => (1 - sx.weight) * image[r]![sx.low]! + sx.weight * image[r]![sx.high]!;
      return (1 - sy.weight) * row(sy.low) + sy.weight * row(sy.high);
    }),
  );
}

/** Zero-padded same-size cross-correlation (torch conv2d with padding (k−1)/2). */
function naiveConv(image: Grid, kernel: Grid): Grid {
  const half = (kernel.length - 1) / 2;
  return image.map((row, y) =>
    row.map((_, x) => {
      let sum = 0;
      kernel.forEach((kernelRow, ky) =>
        kernelRow.forEach((weight, kx) => {
          sum += weight * (image[y + ky - half]?.[x + kx - half] ?? 0);
        }),
      );
      return sum;
    }),
  );
}

const toGrid = (flat: ArrayLike<number>, size: number): Grid =>
  Array.from({ length: size }, (_, y) => Array.from({ length: size }, (__, x) => flat[y * size + x]!));

const squaredDistance = (a: Grid, b: Grid) =>
  a.reduce((sum, row, y) => sum + row.reduce((rowSum, value, x) => rowSum + (value - b[y]![x]!) ** 2, 0), 0);

/** Gram–Schmidt on random vectors: a random orthonormal basis of the n×n inputs. */
function orthonormalInputs(n: number, next: () => number): Grid[] {
  const basis: number[][] = [];
  while (basis.length < n * n) {
    let v = Array.from({ length: n * n }, next);
    for (const b of basis) {
      const dot = v.reduce((sum, value, i) => sum + value * b[i]!, 0);
      v = v.map((value, i) => value - dot * b[i]!);
    }
    const norm = Math.hypot(...v);
    if (norm > 1e-6) basis.push(v.map((value) => value / norm));
  }
  return basis.map((v) => toGrid(v, n));
}

/**
 * Σ_h ‖Up(f_k(h)) − f_W(Up(h))‖² + η²‖f_k(h) − f_W(h)‖² over an orthonormal basis of inputs h;
 * the sum equals the construction's sum over one-hot inputs for any orthonormal basis.
 */
function objective(params: DispersionTransformParams, small: Grid, large: Grid, inputs: readonly Grid[]): number {
  const s = params.upsampleFactor;
  return inputs.reduce((sum, h) => {
    const structure = squaredDistance(naiveUpsample(naiveConv(h, small), s), naiveConv(naiveUpsample(h, s), large));
    const pixel = squaredDistance(naiveConv(h, small), naiveConv(h, large));
    return sum + structure + params.eta ** 2 * pixel;
  }, 0);
}

const asMatrix = (flat: Float64Array, rows: number, columns: number) =>
  new Matrix(Array.from({ length: rows }, (_, r) => Array.from(flat.subarray(r * columns, (r + 1) * columns))));

const at = (transform: DispersionTransform, row: number, column: number) => transform.matrix[row * transform.columns + column]!;

describe('dispersion transform 3 → 5, s = 2, η = 0.05 (the reference default)', () => {
  const transform = computeDispersionTransform(DEFAULT_DISPERSION_PARAMS);

  test('is 25×9', () => {
    assert.deepEqual([transform.rows, transform.columns, transform.matrix.length], [25, 9, 225]);
  });

  test('maps the centre element to the centre: column 4 is e₁₂ (within 1e-12)', () => {
    for (let row = 0; row < 25; row++) assert.ok(Math.abs(at(transform, row, 4) - (row === 12 ? 1 : 0)) < 1e-12, `row ${row}`);
  });

  test('row 12 matches the published values within 1e-5', () => {
    const published = [0.022974, -0.143315, 0.022974, -0.143315, 1, -0.143315, 0.022974, -0.143315, 0.022974];
    published.forEach((value, column) => assert.ok(Math.abs(at(transform, 12, column) - value) < 1e-5, `column ${column}`));
  });
});

/** Index maps of the square's symmetries on a flattened size×size kernel. */
const symmetries: Record<string, (index: number, size: number) => number> = {
  'horizontal flip': (i, size) => Math.floor(i / size) * size + (size - 1 - (i % size)),
  'vertical flip': (i, size) => (size - 1 - Math.floor(i / size)) * size + (i % size),
  transpose: (i, size) => (i % size) * size + Math.floor(i / size),
};

for (const params of [DEFAULT_DISPERSION_PARAMS, { smallKernelSize: 3, largeKernelSize: 7, upsampleFactor: 3, eta: 0.1 }]) {
  const label = `${params.smallKernelSize} → ${params.largeKernelSize}, s = ${params.upsampleFactor}, η = ${params.eta}`;
  describe(`dispersion transform ${label}`, () => {
    const transform = computeDispersionTransform(params);
    const k = params.smallKernelSize;
    const K = params.largeKernelSize;

    // Upsampling and same-size convolution commute with the square's symmetries, so flipping or
    // transposing the small kernel must flip or transpose the dispersed kernel: R[σ(j), σ(l)] = R[j, l].
    for (const [name, map] of Object.entries(symmetries)) {
      test(`commutes with the ${name} (within 1e-10)`, () => {
        for (let j = 0; j < K * K; j++) {
          for (let l = 0; l < k * k; l++) {
            assert.ok(Math.abs(at(transform, map(j, K), map(l, k)) - at(transform, j, l)) < 1e-10, `R[${j},${l}]`);
          }
        }
      });
    }

    test('its residual ‖A·R − B‖ is below that of any perturbed R', () => {
      const { a, b } = dispersionSystem(params);
      const residual = (matrix: Float64Array) => {
        return a.mmul(asMatrix(matrix, transform.rows, transform.columns)).sub(b).norm('frobenius') ** 2;
      };
      const best = residual(transform.matrix);
      const next = random(7);
      for (let trial = 0; trial < 20; trial++) {
        const scale = trial < 10 ? 1e-3 : 1e-1;
        const perturbed = transform.matrix.map((value) => value + scale * next());
        assert.ok(best <= residual(perturbed) + 1e-12, `trial ${trial}`);
      }
    });

    test('R·k minimises the objective for a random kernel, by a naive upsample + conv (20 random perturbations)', () => {
      const next = random(11);
      const small = toGrid(Array.from({ length: k * k }, next), k);
      const dispersed = disperseConvWeights(transform, Float32Array.from(small.flat()), 1, 1);
      // Evaluate in float64 from R directly (the Float32 kernel would add ~1e-8 noise).
      const exact = Array.from({ length: K * K }, (_, j) =>
        small.flat().reduce((sum, w, l) => sum + at(transform, j, l) * w, 0),
      );
      exact.forEach((value, j) => assert.ok(Math.abs(value - dispersed[j]!) < 1e-6));
      const inputs = orthonormalInputs(k, next);
      const best = objective(params, small, toGrid(exact, K), inputs);
      for (let trial = 0; trial < 20; trial++) {
        const scale = trial < 10 ? 1e-3 : 1e-1;
        const perturbed = exact.map((value) => value + scale * next());
        const value = objective(params, small, toGrid(perturbed, K), inputs);
        assert.ok(best < value, `trial ${trial}: ${best} vs ${value}`);
      }
      // First-order optimality: J is quadratic in the large kernel, so central differences give its
      // gradient exactly (up to rounding); it must vanish in every coordinate.
      const epsilon = 1e-3;
      for (let j = 0; j < K * K; j++) {
        const shifted = (delta: number) => objective(params, small, toGrid(exact.map((v, i) => (i === j ? v + delta : v)), K), inputs);
        const gradient = (shifted(epsilon) - shifted(-epsilon)) / (2 * epsilon);
        assert.ok(Math.abs(gradient) < 1e-8, `∂J/∂W[${j}] = ${gradient}`);
      }
    });
  });
}

describe('analytic case and application', () => {
  test('with s = 1 the best 5×5 kernel is the 3×3 one zero-padded (exact within 1e-12)', () => {
    const transform = computeDispersionTransform({ ...DEFAULT_DISPERSION_PARAMS, upsampleFactor: 1 });
    for (let j = 0; j < 25; j++) {
      for (let l = 0; l < 9; l++) {
        const embedded = (Math.floor(l / 3) + 1) * 5 + (l % 3) + 1;
        assert.ok(Math.abs(at(transform, j, l) - (j === embedded ? 1 : 0)) < 1e-12, `R[${j},${l}]`);
      }
    }
  });

  test('disperseConvWeights keeps the [O, I, K, K] layout: every (o, i) kernel lands in its own slot', () => {
    const embedding = computeDispersionTransform({ ...DEFAULT_DISPERSION_PARAMS, upsampleFactor: 1 });
    const weights = Float32Array.from({ length: 2 * 3 * 9 }, (_, i) => i + 1);
    const dispersed = disperseConvWeights(embedding, weights, 2, 3);
    assert.equal(dispersed.length, 2 * 3 * 25);
    // R is the embedding up to ~1e-15 (previous test), so compare within 1e-6 after the Float32 store.
    for (let kernel = 0; kernel < 6; kernel++) {
      const expected = Array.from({ length: 25 }, (_, j) => {
        const [y, x] = [Math.floor(j / 5) - 1, (j % 5) - 1];
        return y >= 0 && y < 3 && x >= 0 && x < 3 ? kernel * 9 + y * 3 + x + 1 : 0;
      });
      expected.forEach((value, j) => assert.ok(Math.abs(dispersed[kernel * 25 + j]! - value) < 1e-6, `kernel ${kernel} [${j}]`));
    }
  });

  test('rejects weights of the wrong size and impossible parameters', () => {
    const transform = computeDispersionTransform(DEFAULT_DISPERSION_PARAMS);
    assert.throws(() => disperseConvWeights(transform, new Float32Array(10), 1, 1), /needs 9/);
    assert.throws(() => computeDispersionTransform({ ...DEFAULT_DISPERSION_PARAMS, largeKernelSize: 3 }), UserFacingError);
    assert.throws(() => computeDispersionTransform({ ...DEFAULT_DISPERSION_PARAMS, smallKernelSize: 4 }), UserFacingError);
    assert.throws(() => computeDispersionTransform({ ...DEFAULT_DISPERSION_PARAMS, upsampleFactor: 1.5 }), UserFacingError);
    assert.throws(() => computeDispersionTransform({ ...DEFAULT_DISPERSION_PARAMS, eta: -1 }), UserFacingError);
  });
});
