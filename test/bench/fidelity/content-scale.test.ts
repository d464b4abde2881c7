import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { powerSpectrum } from '../../../bench/fidelity/autocorrelation.js';
import { contentScaleRatio, spectralMedian } from '../../../bench/fidelity/content-scale.js';
import { resizeBilinear, type RgbImage } from '../../../bench/fidelity/image-ops.js';
import { seededUniform } from './synthetic-scenes.js';
import { singleFace } from './texture-scenes.js';

/** |Σ_p (f(p) − mean) e^{−2πi(ux/W + vy/H)}|², straight from the definition. */
function naivePower(values: readonly number[], width: number, height: number, u: number, v: number): number {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  let re = 0;
  let im = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const angle = -2 * Math.PI * ((u * x) / width + (v * y) / height);
      re += (values[y * width + x]! - mean) * Math.cos(angle);
      im += (values[y * width + x]! - mean) * Math.sin(angle);
    }
  }
  return re * re + im * im;
}

function tiled(image: RgbImage, k: number): RgbImage {
  const width = image.width * k;
  const height = image.height * k;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(image.data.subarray(((y % image.height) * image.width + (x % image.width)) * 3, ((y % image.height) * image.width + (x % image.width)) * 3 + 3), (y * width + x) * 3);
  }
  return { width, height, data };
}

function greyImage(width: number, height: number, grey: (x: number, y: number) => number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.fill(Math.round(grey(x, y)), (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { width, height, data };
}

describe('powerSpectrum', () => {
  test('equals the DFT definition on a random non-square field (1e-9 relative)', () => {
    const [width, height] = [12, 10];
    const uniform = seededUniform(7);
    const values = Array.from({ length: width * height }, () => uniform() * 255);
    const power = powerSpectrum(values, width, height);
    const peak = Math.max(...power);
    for (let v = 0; v < height; v++) {
      for (let u = 0; u < width; u++) assert.ok(Math.abs(power[v * width + u]! - naivePower(values, width, height, u, v)) <= 1e-9 * peak, `(${u}, ${v})`);
    }
  });
});

describe('spectralMedian', () => {
  test('a cosine of (3, 4) cycles per image has its power at radius 5', () => {
    const image = greyImage(32, 32, (x, y) => 128 + 100 * Math.cos(2 * Math.PI * ((3 * x) / 32 + (4 * y) / 32)));
    assert.equal(spectralMedian(image), 5);
  });

  test('a uniform image has no structure', () => {
    assert.equal(spectralMedian(greyImage(16, 16, () => 200)), 0);
  });
});

describe('contentScaleRatio', () => {
  test('a k × k tiling of the reference scores exactly k: the structure stayed the reference size', () => {
    const reference = singleFace(32, 3);
    for (const k of [2, 3, 4]) assert.ok(Math.abs(contentScaleRatio(tiled(reference, k), reference)! - k) < 1e-9, `${k} × ${k}`);
  });

  test('the same face drawn larger, or the reference enlarged, scores 1: the median ignores the pixel noise a larger canvas adds', () => {
    const reference = singleFace(32, 3);
    for (const size of [64, 128]) {
      const drawn = contentScaleRatio(singleFace(size, 5), reference)!;
      assert.ok(Math.abs(drawn - 1) < 0.1, `drawn at ${size}²: ${drawn}`);
      const enlarged = contentScaleRatio(resizeBilinear(reference, size, size), reference)!;
      assert.ok(Math.abs(enlarged - 1) < 0.1, `enlarged to ${size}²: ${enlarged}`);
      assert.ok(contentScaleRatio(tiled(reference, size / 32), reference)! > 1.9 * drawn, `tiled vs drawn at ${size}²`);
    }
  });

  test('a reference without structure gives no ratio; a reference of another shape is refused', () => {
    assert.equal(contentScaleRatio(singleFace(64, 1), greyImage(32, 32, () => 255)), null);
    assert.throws(() => contentScaleRatio(singleFace(64, 1), greyImage(32, 16, () => 0)), /contentScaleRatio\.reference.*32×16/);
  });
});
