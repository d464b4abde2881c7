import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from 'fast-png';
import { decodeOnWhite, resizeByArea, type RgbImage } from '../../../tools/train/training-pixels.js';

/** A deterministic pseudo-random RGB image. */
function noiseImage(size: number, seed: number): RgbImage {
  const data = new Uint8Array(size * size * 3);
  let state = seed;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    data[i] = state % 256;
  }
  return { width: size, height: size, data };
}

/**
 * Independent reference: replicate every source pixel into an f×f block (f = output size, so the
 * enlarged image divides evenly), then take plain box means. Same area weights, no fractions.
 */
function supersampledReference(image: RgbImage, size: number): number[] {
  const big = image.width * size;
  const box = big / size;
  const out: number[] = [];
  for (let oy = 0; oy < size; oy++) {
    for (let ox = 0; ox < size; ox++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let y = oy * box; y < (oy + 1) * box; y++) {
          for (let x = ox * box; x < (ox + 1) * box; x++) sum += image.data[(Math.floor(y / size) * image.width + Math.floor(x / size)) * 3 + c]!;
        }
        out.push(sum / (box * box));
      }
    }
  }
  return out;
}

describe('resizeByArea', () => {
  for (const source of [64, 72]) {
    test(`${source} → 32 matches the supersampled box mean to rounding (±0.5)`, () => {
      const image = noiseImage(source, source);
      const actual = resizeByArea(image, 32);
      const expected = supersampledReference(image, 32);
      expected.forEach((value, i) => assert.ok(Math.abs(actual.data[i]! - value) <= 0.5, `value ${i}: ${actual.data[i]} vs ${value}`));
    });
  }
});

describe('decodeOnWhite', () => {
  test('composites straight alpha over white: a·c + (1 − a)·255, to rounding', () => {
    const alphas = [0, 64, 128, 255];
    const rgba = new Uint8Array(alphas.flatMap((a) => [200, 100, 0, a]));
    const image = decodeOnWhite(encode({ width: 4, height: 1, data: rgba, channels: 4, depth: 8 }));
    alphas.forEach((a, p) => {
      [200, 100, 0].forEach((c, k) => {
        const expected = (a / 255) * c + (1 - a / 255) * 255;
        assert.ok(Math.abs(image.data[p * 3 + k]! - expected) <= 0.5, `pixel ${p} channel ${k}: ${image.data[p * 3 + k]} vs ${expected}`);
      });
    });
  });

  // Twemoji ships palette PNGs whose transparency is a tRNS chunk; reading them as 3 channels
  // scrambled 152 training images into stripes.
  test('palette PNGs with per-entry alpha keep their layout and composite over white', () => {
    // Translucent entries first, as PNG encoders order them (tRNS lists the leading entries' alphas;
    // fast-png's encoder writes only the non-opaque ones, so an opaque entry before them would shift them).
    const palette: Array<[number, number, number, number]> = [[0, 0, 0, 0], [0, 0, 255, 128], [255, 0, 0, 255]];
    const indices = new Uint8Array([0, 1, 2, 1, 0, 2]);
    const image = decodeOnWhite(encode({ width: 3, height: 2, data: indices, channels: 1, depth: 8, palette }));
    const expected = [...indices].flatMap((index) => {
      const [r, g, b, a] = palette[index]!;
      return [r, g, b].map((c) => (a / 255) * c + (1 - a / 255) * 255);
    });
    assert.equal(image.data.length, expected.length);
    expected.forEach((value, i) => assert.ok(Math.abs(image.data[i]! - value) <= 0.5, `sample ${i}: ${image.data[i]} vs ${value}`));
  });
});
