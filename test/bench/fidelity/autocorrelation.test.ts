import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { autocorrelationPeaks, circularAutocorrelation, type BinaryMask } from '../../../bench/fidelity/autocorrelation.js';
import { foregroundMask } from '../../../bench/fidelity/repetition.js';
import { scene, seededUniform, whiteCanvas } from './synthetic-scenes.js';

/** Independent reference: R(d) = Σ_p f(p) f(p + d mod size) / Σ_p f(p)², f mean-removed. */
function directAutocorrelation(mask: BinaryMask): number[] {
  const { width, height } = mask;
  const mean = mask.mask.reduce((sum, v) => sum + v, 0) / mask.mask.length;
  const f = (x: number, y: number): number => mask.mask[(y % height) * width + (x % width)]! - mean;
  const out: number[] = [];
  for (let dy = 0; dy < height; dy++) {
    for (let dx = 0; dx < width; dx++) {
      let sum = 0;
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) sum += f(x, y) * f(x + dx, y + dy);
      out.push(sum);
    }
  }
  return out.map((v) => v / out[0]!);
}

function randomMask(width: number, height: number, seed: number): BinaryMask {
  const uniform = seededUniform(seed);
  return { width, height, mask: Uint8Array.from({ length: width * height }, () => (uniform() < 0.3 ? 1 : 0)) };
}

function tiled(tile: BinaryMask, across: number, down: number): BinaryMask {
  const width = tile.width * across;
  const height = tile.height * down;
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) mask[y * width + x] = tile.mask[(y % tile.height) * tile.width + (x % tile.width)]!;
  return { width, height, mask };
}

function discMask(size: number, discs: ReadonlyArray<readonly [number, number, number]>): BinaryMask {
  const canvas = whiteCanvas(size);
  for (const [x, y, radius] of discs) canvas.fill('disc', x, y, radius, [0, 0, 0]);
  return foregroundMask(canvas.image);
}

describe('circularAutocorrelation', () => {
  for (const [width, height] of [[7, 5], [12, 10], [16, 16]] as const) {
    test(`${width}×${height} random mask matches the direct sum to 1e-12`, () => {
      const mask = randomMask(width, height, width * 31 + height);
      const actual = circularAutocorrelation(mask);
      directAutocorrelation(mask).forEach((expected, i) => assert.ok(Math.abs(actual[i]! - expected) < 1e-12, `shift ${i}: ${actual[i]} vs ${expected}`));
    });
  }

  test('a uniform mask has no variance and yields zeros', () => {
    for (const value of [0, 1]) {
      const r = circularAutocorrelation({ width: 8, height: 8, mask: new Uint8Array(64).fill(value) });
      assert.ok(r.every((v) => v === 0));
    }
  });
});

describe('autocorrelationPeaks', () => {
  for (const [tileSize, across] of [[16, 2], [16, 4], [32, 2], [32, 4]] as const) {
    test(`a ${across}×${across} tiling of a ${tileSize}² object has ${across ** 2 - 1} peaks of height 1 at the lattice shifts`, () => {
      const tile = foregroundMask(scene(tileSize, 1, tileSize + across));
      const { peaks } = autocorrelationPeaks(tiled(tile, across, across));
      assert.equal(peaks.length, across ** 2 - 1);
      for (const peak of peaks) {
        assert.ok(Math.abs(peak.value - 1) < 1e-9, `value ${peak.value}`);
        assert.equal(Math.abs(peak.dx) % tileSize, 0);
        assert.equal(Math.abs(peak.dy) % tileSize, 0);
      }
    });
  }

  test('three equal discs in a row, 42 px apart on a 128² canvas (not a divisor): peaks at ±42', () => {
    const { peaks } = autocorrelationPeaks(discMask(128, [[22, 64, 12], [64, 64, 12], [106, 64, 12]]));
    const shifts = peaks.map((p) => [Math.abs(p.dx), p.dy]);
    assert.ok(shifts.length >= 2 && shifts.every(([dx, dy]) => Math.abs(dx! - 42) <= 1 && dy === 0), JSON.stringify(peaks));
  });

  test('a single disc has no off-centre peak, from small to filling most of the canvas', () => {
    for (const size of [32, 64, 128]) {
      for (const fraction of [0.1, 0.25, 0.45]) {
        const result = autocorrelationPeaks(discMask(size, [[size / 2, size / 2, size * fraction]]));
        assert.deepEqual(result.peaks, [], `${size}², radius ${fraction}·size`);
        assert.ok(result.strongest < 0.5, `${size}², radius ${fraction}·size: strongest ${result.strongest}`);
      }
    }
  });

  test('a uniform mask has no peaks and a zero score', () => {
    assert.deepEqual(autocorrelationPeaks({ width: 16, height: 16, mask: new Uint8Array(256) }), { peaks: [], strongest: 0 });
  });

  test('the threshold must be inside (0, 1)', () => {
    assert.throws(() => autocorrelationPeaks(randomMask(4, 4, 1), { peakThreshold: 1 }), /autocorrelationPeaks\.options\.peakThreshold/);
  });
});
