import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inverse, Matrix, QrDecomposition } from 'ml-matrix';
import { fitGaussian, frechetDistance, frechetDistanceOfGaussians, kernelDistance, traceSqrtProduct, type FeatureRows } from '../../../bench/fidelity/distances.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';
import { randn } from '../../reference/ndarray.js';

/** n rows of d standard-normal features (seeded), each plus `shift`. */
function gaussianRows(n: number, d: number, seed: number, shift = 0): Float32Array[] {
  const values = randn([n, d], seed).data;
  return Array.from({ length: n }, (_, i) => Float32Array.from(values.subarray(i * d, (i + 1) * d), (v) => v + shift));
}

function randomOrthogonal(d: number, seed: number): Matrix {
  return new QrDecomposition(new Matrix(gaussianRows(d, d, seed).map((row) => Array.from(row)))).orthogonalMatrix;
}

/** Q diag(values) Qᵀ. */
function withEigenvalues(q: Matrix, values: number[]): Matrix {
  return q.mmul(Matrix.diag(values)).mmul(q.transpose());
}

/** Denman–Beavers iteration Y → A^{1/2} (A with positive real eigenvalues): an independent sqrtm. */
function denmanBeaversSqrt(a: Matrix): Matrix {
  let y = a.clone();
  let z = Matrix.eye(a.rows);
  for (let i = 0; i < 50; i++) {
    const nextY = Matrix.add(y, inverse(z)).mul(0.5);
    z = Matrix.add(z, inverse(y)).mul(0.5);
    y = nextY;
  }
  return y;
}

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
}

describe('Fréchet distance', () => {
  test('diagonal covariances: Σ(σ₁ − σ₂)² + ‖Δμ‖² to 1e-12', () => {
    const variancesA = [1, 4, 0.25, 9, 2];
    const variancesB = [2, 1, 0.25, 16, 0.5];
    const meanA = [0, 1, -2, 3, 0.5];
    const meanB = [1, 1, 0, -1, 0.5];
    const expected = variancesA.reduce((sum, v, i) => sum + (Math.sqrt(v) - Math.sqrt(variancesB[i]!)) ** 2 + (meanA[i]! - meanB[i]!) ** 2, 0);
    const actual = frechetDistanceOfGaussians({ mean: meanA, covariance: Matrix.diag(variancesA) }, { mean: meanB, covariance: Matrix.diag(variancesB) });
    assert.ok(relativeError(actual, expected) < 1e-12, `${actual} vs ${expected}`);
  });

  test('full commuting covariances Q D₁ Qᵀ, Q D₂ Qᵀ: Σ(√d₁ − √d₂)² to 1e-10', () => {
    const q = randomOrthogonal(6, 3);
    const d1 = [0.1, 0.5, 1, 2, 3, 10];
    const d2 = [1, 0.2, 4, 2, 0.01, 5];
    const expected = d1.reduce((sum, v, i) => sum + (Math.sqrt(v) - Math.sqrt(d2[i]!)) ** 2, 0);
    const zero = new Array(6).fill(0);
    const actual = frechetDistanceOfGaussians({ mean: zero, covariance: withEigenvalues(q, d1) }, { mean: zero, covariance: withEigenvalues(q, d2) });
    assert.ok(relativeError(actual, expected) < 1e-10, `${actual} vs ${expected}`);
  });

  test('non-commuting covariances: Tr((Σ₁Σ₂)^{1/2}) matches a Denman–Beavers sqrtm to 1e-9', () => {
    const a = withEigenvalues(randomOrthogonal(8, 4), [0.05, 0.3, 0.7, 1, 1.5, 2, 4, 7]);
    const b = withEigenvalues(randomOrthogonal(8, 5), [0.2, 0.2, 0.5, 1, 3, 3, 6, 9]);
    const expected = denmanBeaversSqrt(a.mmul(b)).trace();
    const actual = traceSqrtProduct(a, b);
    assert.ok(relativeError(actual, expected) < 1e-9, `${actual} vs ${expected}`);
    const aBefore = a.to2DArray();
    traceSqrtProduct(a, b);
    assert.deepEqual(a.to2DArray(), aBefore, 'the inputs are not modified');
  });

  test('fitGaussian: sample mean and unbiased covariance, against a double loop', () => {
    const rows = gaussianRows(40, 4, 7, 0.5);
    const { mean, covariance } = fitGaussian(rows);
    const expectedMean = [0, 1, 2, 3].map((i) => rows.reduce((sum, row) => sum + row[i]!, 0) / 40);
    for (let i = 0; i < 4; i++) {
      assert.ok(Math.abs(mean[i]! - expectedMean[i]!) < 1e-12);
      for (let j = 0; j < 4; j++) {
        const expected = rows.reduce((sum, row) => sum + (row[i]! - expectedMean[i]!) * (row[j]! - expectedMean[j]!), 0) / 39;
        assert.ok(Math.abs(covariance.get(i, j) - expected) < 1e-12, `cov[${i}][${j}]`);
      }
    }
  });

  test('identical sets: Tr((ΣΣ)^{1/2}) = Tr Σ, to 1e-12 at full rank and 1e-6 when n < d', () => {
    for (const [n, d, tolerance] of [[200, 8, 1e-12], [10, 20, 1e-6], [50, 64, 1e-6]] as const) {
      const { covariance } = fitGaussian(gaussianRows(n, d, n + d));
      assert.ok(relativeError(traceSqrtProduct(covariance, covariance), covariance.trace()) < tolerance, `n = ${n}, d = ${d}`);
      const rows = gaussianRows(n, d, n + d);
      assert.ok(frechetDistance(rows, rows) <= tolerance * covariance.trace(), `n = ${n}, d = ${d}`);
    }
  });

  // The estimate's standard deviation is ≈ 2‖Δμ‖·√(2/n) ≈ 0.008 here (sample means dominate): 0.04 is 5 of it.
  test('large samples approach the population distance (N(0, I) vs N(0.5·1, I), d = 3: FD = 0.75)', () => {
    const actual = frechetDistance(gaussianRows(100_000, 3, 8), gaussianRows(100_000, 3, 9, 0.5));
    assert.ok(Math.abs(actual - 0.75) < 0.04, `${actual}`);
  });
});

/** Independent reference: the unbiased MMD² written as the three double sums. */
function naiveKernelDistance(a: FeatureRows, b: FeatureRows): number {
  const d = a[0]!.length;
  const k = (x: ArrayLike<number>, y: ArrayLike<number>): number => {
    let dot = 0;
    for (let i = 0; i < d; i++) dot += x[i]! * y[i]!;
    return (dot / d + 1) ** 3;
  };
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a.length; j++) if (i !== j) xx += k(a[i]!, a[j]!);
  for (let i = 0; i < b.length; i++) for (let j = 0; j < b.length; j++) if (i !== j) yy += k(b[i]!, b[j]!);
  for (const x of a) for (const y of b) xy += k(x, y);
  const m = a.length;
  const n = b.length;
  return xx / (m * (m - 1)) + yy / (n * (n - 1)) - (2 * xy) / (m * n);
}

describe('kernel distance (KID)', () => {
  test('matches the naive double sums to 1e-10, with different set sizes', () => {
    const a = gaussianRows(30, 5, 10);
    const b = gaussianRows(45, 5, 11, 0.3);
    const expected = naiveKernelDistance(a, b);
    assert.ok(relativeError(kernelDistance(a, b), expected) < 1e-10, `${kernelDistance(a, b)} vs ${expected}`);
  });

  // Over 10 seed pairs of this setup the estimate had mean ≈ 0.001 and standard deviation ≈ 0.0027;
  // 0.012 is ~4.5 of those. A mean shift of 0.2 per feature gives ≈ 0.135.
  test('two samples of 1000 from the same Gaussian (d = 16): |KID| < 0.012; shifted by 0.2: > 0.1', () => {
    const same = kernelDistance(gaussianRows(1000, 16, 1), gaussianRows(1000, 16, 2));
    assert.ok(Math.abs(same) < 0.012, `${same}`);
    const shifted = kernelDistance(gaussianRows(1000, 16, 1), gaussianRows(1000, 16, 2, 0.2));
    assert.ok(shifted > 0.1, `${shifted}`);
  });
});

describe('input checks', () => {
  test('mismatched dimensions, ragged rows, non-finite values and too few rows name the field', () => {
    const field = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (error) {
        if (error instanceof UserFacingError) return error.field;
        throw error;
      }
      throw new Error('no error');
    };
    assert.equal(field(() => kernelDistance(gaussianRows(3, 2, 1), gaussianRows(3, 3, 2))), 'kernelDistance.b');
    assert.equal(field(() => frechetDistance(gaussianRows(3, 2, 1), gaussianRows(3, 3, 2))), 'frechetDistance.b');
    assert.equal(field(() => fitGaussian([[1, 2], [3]])), 'fitGaussian.rows[1]');
    assert.equal(field(() => fitGaussian([[1, 2], [3, Number.NaN]])), 'fitGaussian.rows[1]');
    assert.equal(field(() => fitGaussian([[1, 2]])), 'fitGaussian.rows');
  });
});
