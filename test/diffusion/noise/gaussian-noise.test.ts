import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GaussianNoiseStream, MAX_NOISE_SEED, gaussianNoise } from '../../../app/diffusion/noise/gaussian-noise.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

/**
 * An independent, deliberately plain reference: Philox4x32-10 in BigInt arithmetic (full 64-bit
 * products, no 16-bit splitting), then the documented mapping — block ⌊i/4⌋, counter
 * [block, 0, stream lo, stream hi], key [seed lo, seed hi], u = (w + ½)/2³², Box–Muller on
 * (u0, u1) and (u2, u3).
 */
function referenceGaussians(seed: bigint, count: number, stream = 0n): number[] {
  const mask = 0xffffffffn;
  const philox = (counter: bigint[], key: bigint[]): bigint[] => {
    let [c0, c1, c2, c3] = counter as [bigint, bigint, bigint, bigint];
    let [k0, k1] = key as [bigint, bigint];
    for (let round = 0; round < 10; round++) {
      if (round > 0) {
        k0 = (k0 + 0x9e3779b9n) & mask;
        k1 = (k1 + 0xbb67ae85n) & mask;
      }
      const product0 = 0xd2511f53n * c0;
      const product1 = 0xcd9e8d57n * c2;
      [c0, c1, c2, c3] = [(product1 >> 32n) ^ c1 ^ k0, product1 & mask, (product0 >> 32n) ^ c3 ^ k1, product0 & mask];
    }
    return [c0, c1, c2, c3];
  };
  const values: number[] = [];
  for (let block = 0; values.length < count; block++) {
    const words = philox([BigInt(block), 0n, stream & mask, stream >> 32n], [seed & mask, seed >> 32n]).map((w) => (Number(w) + 0.5) / 2 ** 32);
    for (const [radiusU, angleU] of [[words[0], words[1]], [words[2], words[3]]] as Array<[number, number]>) {
      const radius = Math.sqrt(-2 * Math.log(radiusU));
      values.push(radius * Math.cos(2 * Math.PI * angleU), radius * Math.sin(2 * Math.PI * angleU));
    }
  }
  return values.slice(0, count).map(Math.fround);
}

/** Standard normal CDF via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

describe('gaussianNoise', () => {
  test('matches the independent reference bit for bit (several seeds and streams, including 2^64 − 1)', () => {
    for (const [seed, stream] of [[0n, 0n], [42n, 0n], [123456789012345n, 7n], [MAX_NOISE_SEED, MAX_NOISE_SEED]] as Array<[bigint, bigint]>) {
      assert.deepEqual(Array.from(gaussianNoise(seed, 37, stream)), referenceGaussians(seed, 37, stream));
    }
  });

  test('number and bigint seeds are the same seed', () => {
    assert.deepEqual(gaussianNoise(2 ** 40 + 5, 8), gaussianNoise(2n ** 40n + 5n, 8));
  });

  test('deterministic, seed-sensitive and stream-sensitive', () => {
    assert.deepEqual(gaussianNoise(7, 100), gaussianNoise(7, 100));
    assert.notDeepEqual(gaussianNoise(7, 100), gaussianNoise(8, 100));
    assert.notDeepEqual(gaussianNoise(7, 100), gaussianNoise(7, 100, 1));
  });

  test('seeds outside 0 … 2^64 − 1 or not whole are rejected', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 60, -1n, MAX_NOISE_SEED + 1n] as Array<number | bigint>) {
      assert.throws(() => gaussianNoise(bad, 4), UserFacingError);
    }
    assert.throws(() => gaussianNoise(1, 4, -3), (error: unknown) => error instanceof UserFacingError && error.field === 'stream');
  });

  test('distribution: mean 0, variance 1, Kolmogorov–Smirnov distance below the 1 % critical value', () => {
    const count = 100_000;
    const values = gaussianNoise(2024, count);
    let sum = 0;
    let squares = 0;
    for (const v of values) {
      sum += v;
      squares += v * v;
    }
    const mean = sum / count;
    const variance = squares / count - mean * mean;
    // Standard errors: mean 1/sqrt(n) ≈ 0.0032, variance sqrt(2/n) ≈ 0.0045; allow 4 of each.
    assert.ok(Math.abs(mean) < 0.013, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.018, `variance ${variance}`);
    const sorted = Float64Array.from(values).sort();
    let distance = 0;
    sorted.forEach((v, i) => {
      const cdf = normalCdf(v);
      distance = Math.max(distance, Math.abs(cdf - i / count), Math.abs(cdf - (i + 1) / count));
    });
    // KS critical value at α = 0.01: 1.628/sqrt(n) ≈ 0.00515.
    assert.ok(distance < 1.628 / Math.sqrt(count), `KS distance ${distance}`);
  });
});

describe('GaussianNoiseStream', () => {
  test('draws continue the same sequence however they are chunked', () => {
    const stream = new GaussianNoiseStream(99);
    const chunks = [stream.next(3), stream.next(5), stream.next(0), stream.next(9)];
    assert.equal(stream.offset, 17);
    assert.deepEqual(Float32Array.from(chunks.flatMap((chunk) => Array.from(chunk))), gaussianNoise(99, 17));
  });

  test('an offset resumes mid-sequence', () => {
    assert.deepEqual(new GaussianNoiseStream(5, { offset: 6 }).next(10), gaussianNoise(5, 16).slice(6));
  });
});
