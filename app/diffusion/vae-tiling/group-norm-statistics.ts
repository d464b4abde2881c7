/**
 * GroupNorm statistics of a whole image gathered from its tiles. Each tile reports, per sample and
 * group, its element count, mean and sum of squared deviations from that mean (M2); they merge with Chan, Golub and LeVeque's
 * pairwise update ("Algorithms for computing the sample variance", 1983) in float64, which stays
 * accurate where E[x²] − E[x]² would cancel. The result is what torch.nn.GroupNorm computes over
 * the full tensor: the mean and the biased variance per (sample, group).
 *
 * The ScaleCrafter reference (sync_tiled_decode.py) also shares statistics across tiles, but its
 * tiles overlap, so overlapped pixels count twice, and it applies a per-tile n/(n−1) factor; tiles
 * here partition the image, so the statistics are the full decode's.
 */

export class GroupStatistics {
  readonly #count: Float64Array;
  readonly #mean: Float64Array;
  /** Sum of squared deviations from the running mean. */
  readonly #m2: Float64Array;

  constructor(readonly batch: number, readonly groups: number) {
    const size = batch * groups;
    this.#count = new Float64Array(size);
    this.#mean = new Float64Array(size);
    this.#m2 = new Float64Array(size);
  }

  /** Adds one tile: `count` elements per (sample, group), with their mean and M2, each [batch · groups]. */
  add(count: number, mean: ArrayLike<number>, m2: ArrayLike<number>): void {
    const size = this.batch * this.groups;
    if (mean.length !== size || m2.length !== size) {
      throw new RangeError(`tile statistics hold ${mean.length} means and ${m2.length} sums of squares; ${this.batch} samples × ${this.groups} groups = ${size} were expected`);
    }
    if (count <= 0) return;
    for (let i = 0; i < size; i++) {
      const before = this.#count[i]!;
      const total = before + count;
      const delta = mean[i]! - this.#mean[i]!;
      this.#mean[i] = this.#mean[i]! + (delta * count) / total;
      this.#m2[i] = this.#m2[i]! + m2[i]! + (delta * delta * before * count) / total;
      this.#count[i] = total;
    }
  }

  /** The merged mean and 1/√(var + eps) per (sample, group), as float32 [batch · groups]. */
  normalization(eps: number): { mean: Float32Array; invStd: Float32Array } {
    const size = this.batch * this.groups;
    const mean = new Float32Array(size);
    const invStd = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const count = this.#count[i]!;
      if (count === 0) throw new RangeError('GroupNorm statistics were requested before any tile reported');
      mean[i] = this.#mean[i]!;
      invStd[i] = 1 / Math.sqrt(this.#m2[i]! / count + eps);
    }
    return { mean, invStd };
  }
}
