/**
 * Distances between two sets of image features, of the kind FID and KID report. Which features
 * (Inception-v3 pool3 in the papers) is the caller's choice; these functions only see rows.
 *
 * Fréchet distance (Heusel et al. 2017, "GANs trained by a two time-scale update rule…"): fit a
 * Gaussian to each set (sample mean, unbiased covariance, as pytorch-fid's np.cov does), then
 *   FD = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^{1/2}).
 * Σ₁Σ₂ is not symmetric, so pytorch-fid's sqrtm can return complex noise; here the trace uses
 * Tr((Σ₁Σ₂)^{1/2}) = Σ √λᵢ(Σ₁^{1/2} Σ₂ Σ₁^{1/2}) (similar matrices, and the right one is
 * symmetric PSD): two symmetric eigendecompositions, eigenvalues below zero by rounding clamped.
 * With fewer samples than dimensions the covariances are singular; the formula stays defined.
 *
 * Kernel distance (Bińkowski et al. 2018, "Demystifying MMD GANs", KID): the unbiased MMD² with
 * k(x, y) = (x·y/d + 1)³. The reference code averages the estimate over 100 random subsets of
 * min(n, 1000) samples to bound its O(n²) cost; with the few hundred images this benchmark has,
 * a subset of min(n, 1000) is the whole set, so every subset would be identical. We compute the
 * full unbiased estimate once, which is exact for the subset mean and allows m ≠ n. Being unbiased,
 * it can be slightly negative when the distributions match.
 */
import { covariance, EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { fidelityInputError } from './input-error.js';

/** n feature vectors of one dimension d (Float32Array rows, number[] rows, …). */
export type FeatureRows = ReadonlyArray<ArrayLike<number>>;

export interface Gaussian {
  readonly mean: readonly number[];
  /** d × d, symmetric positive semi-definite. */
  readonly covariance: Matrix;
}

function toMatrix(rows: FeatureRows, field: string, minRows: number): Matrix {
  if (rows.length < minRows) throw fidelityInputError(field, `needs at least ${minRows} feature rows, got ${rows.length}`);
  const d = rows[0]!.length;
  if (d < 1) throw fidelityInputError(field, 'feature rows are empty');
  const data = rows.map((row, i) => {
    if (row.length !== d) throw fidelityInputError(`${field}[${i}]`, `has ${row.length} features, row 0 has ${d}`);
    const values = Array.from(row);
    if (!values.every(Number.isFinite)) throw fidelityInputError(`${field}[${i}]`, 'contains a non-finite value');
    return values;
  });
  return new Matrix(data);
}

/** Sample mean and unbiased (n − 1) covariance; needs n ≥ 2. */
export function fitGaussian(rows: FeatureRows): Gaussian {
  const matrix = toMatrix(rows, 'fitGaussian.rows', 2);
  return { mean: matrix.mean('column'), covariance: covariance(matrix) };
}

/** Eigen-decomposition of the symmetric part (removes rounding asymmetry), eigenvalues ≥ 0. */
function symmetricEigen(matrix: Matrix): { values: number[]; vectors: Matrix } {
  // ml-matrix arithmetic is in place: clone so the caller's covariance is untouched.
  const symmetric = matrix.clone().add(matrix.transpose()).mul(0.5);
  const evd = new EigenvalueDecomposition(symmetric, { assumeSymmetric: true });
  return { values: evd.realEigenvalues.map((v) => Math.max(v, 0)), vectors: evd.eigenvectorMatrix };
}

/** Tr((A B)^{1/2}) for symmetric PSD A and B. */
export function traceSqrtProduct(a: Matrix, b: Matrix): number {
  const { values, vectors } = symmetricEigen(a);
  const sqrtA = vectors.mmul(Matrix.diag(values.map(Math.sqrt))).mmul(vectors.transpose());
  return symmetricEigen(sqrtA.mmul(b).mmul(sqrtA)).values.reduce((sum, v) => sum + Math.sqrt(v), 0);
}

export function frechetDistanceOfGaussians(a: Gaussian, b: Gaussian): number {
  const d = a.mean.length;
  if (b.mean.length !== d || a.covariance.rows !== d || b.covariance.rows !== d) {
    throw fidelityInputError('frechetDistanceOfGaussians.b', `dimension ${b.mean.length} does not match a's ${d}`);
  }
  const meanTerm = a.mean.reduce((sum, m, i) => sum + (m - b.mean[i]!) ** 2, 0);
  const distance = meanTerm + a.covariance.trace() + b.covariance.trace() - 2 * traceSqrtProduct(a.covariance, b.covariance);
  // Rounding can leave −1e-12 for identical sets; a distance is not negative.
  return Math.max(distance, 0);
}

/** FID-like: the Fréchet distance between Gaussians fitted to the two feature sets. */
export function frechetDistance(a: FeatureRows, b: FeatureRows): number {
  const fitA = fitGaussian(a);
  const fitB = fitGaussian(b);
  if (fitB.mean.length !== fitA.mean.length) throw fidelityInputError('frechetDistance.b', `has ${fitB.mean.length} features, a has ${fitA.mean.length}`);
  return frechetDistanceOfGaussians(fitA, fitB);
}

/** KID-like: unbiased MMD² with the cubic polynomial kernel (x·y/d + 1)³ over all samples. */
export function kernelDistance(a: FeatureRows, b: FeatureRows): number {
  const x = toMatrix(a, 'kernelDistance.a', 2);
  const y = toMatrix(b, 'kernelDistance.b', 2);
  const d = x.columns;
  if (y.columns !== d) throw fidelityInputError('kernelDistance.b', `has ${y.columns} features, a has ${d}`);
  // In place on the fresh Gram matrix.
  const kernel = (gram: Matrix): Matrix => gram.div(d).add(1).pow(3);
  const kxx = kernel(x.mmul(x.transpose()));
  const kyy = kernel(y.mmul(y.transpose()));
  const kxy = kernel(x.mmul(y.transpose()));
  const m = x.rows;
  const n = y.rows;
  const offDiagonalSum = (k: Matrix): number => k.sum() - k.trace();
  return offDiagonalSum(kxx) / (m * (m - 1)) + offDiagonalSum(kyy) / (n * (n - 1)) - (2 * kxy.sum()) / (m * n);
}
