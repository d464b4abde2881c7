import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encode } from 'fast-png';
import { decodeOnWhite, readOnWhite, resizeByArea, type RgbImage } from '../../../tools/train/training-pixels.js';

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

describe('readOnWhite', () => {
  const drawingOf = async (svg: string, body: (file: string) => Promise<void>): Promise<void> => {
    const folder = await mkdtemp(path.join(tmpdir(), 'training-pixels-'));
    try {
      await writeFile(path.join(folder, 'drawing.svg'), svg);
      await body(path.join(folder, 'drawing.svg'));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  };

  test('draws an SVG at 64 px on white: opaque fills exact, a half-transparent fill composited within 1 level', async () => {
    // Left half opaque red, right half blue at 50 %: both edges fall on pixel boundaries at 64 px, so no anti-aliasing.
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="16" height="32" fill="#ff0000"/><rect x="16" width="16" height="32" fill="#0000ff" fill-opacity="0.5"/></svg>';
    await drawingOf(svg, async (file) => {
      const image = await readOnWhite(file);
      assert.deepEqual([image.width, image.height], [64, 64]);
      for (const y of [0, 31, 63]) {
        assert.deepEqual([...image.data.subarray((y * 64 + 0) * 3, (y * 64 + 0) * 3 + 3)], [255, 0, 0]);
        assert.deepEqual([...image.data.subarray((y * 64 + 31) * 3, (y * 64 + 31) * 3 + 3)], [255, 0, 0]);
        const [r, g, b] = image.data.subarray((y * 64 + 32) * 3, (y * 64 + 32) * 3 + 3);
        // 0.5 · blue + 0.5 · white = (127.5, 127.5, 255); alpha is stored in 8 bits, so ±1.
        assert.ok(Math.abs(r! - 127.5) <= 1 && Math.abs(g! - 127.5) <= 1 && b === 255, `got ${r}, ${g}, ${b}`);
      }
    });
  });

  test('reads a PNG as decodeOnWhite does', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'training-pixels-'));
    try {
      const image = noiseImage(8, 3);
      await writeFile(path.join(folder, 'noise.png'), encode({ width: 8, height: 8, data: image.data, channels: 3 }));
      assert.deepEqual((await readOnWhite(path.join(folder, 'noise.png'))).data, image.data);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
