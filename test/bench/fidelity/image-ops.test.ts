import { UserFacingError } from '../../../app/protocol/user-facing-error.js';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decode } from 'fast-png';
import { composeGrid, downscaleByFactor, resizeBilinear, upscaleNearest, writePng, type RgbImage } from '../../../bench/fidelity/image-ops.js';
import { seededUniform } from './synthetic-scenes.js';

function noiseImage(width: number, height: number, seed: number): RgbImage {
  const uniform = seededUniform(seed);
  return { width, height, data: Uint8Array.from({ length: width * height * 3 }, () => Math.floor(uniform() * 256)) };
}

function solid(width: number, height: number, colour: readonly number[]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(colour, p * 3);
  return { width, height, data };
}

describe('downscaleByFactor', () => {
  for (const factor of [2, 4]) {
    test(`factor ${factor} equals the naive block mean to rounding (±0.5)`, () => {
      const image = noiseImage(64, 64, factor);
      const small = downscaleByFactor(image, factor);
      assert.equal(small.width, 64 / factor);
      for (let y = 0; y < small.height; y++) {
        for (let x = 0; x < small.width; x++) {
          for (let c = 0; c < 3; c++) {
            let sum = 0;
            for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) sum += image.data[((y * factor + dy) * 64 + x * factor + dx) * 3 + c]!;
            assert.ok(Math.abs(small.data[(y * small.width + x) * 3 + c]! - sum / factor ** 2) <= 0.5);
          }
        }
      }
    });
  }

  test('non-square or indivisible images are rejected', () => {
    assert.throws(() => downscaleByFactor(noiseImage(64, 32, 1), 2), (e: unknown) => e instanceof UserFacingError && e.field === 'downscaleByFactor.image');
    assert.throws(() => downscaleByFactor(noiseImage(30, 30, 1), 4), /downscaleByFactor\.image/);
    assert.throws(() => downscaleByFactor(noiseImage(32, 32, 1), 1.5), /downscaleByFactor\.factor/);
  });
});

describe('upscaling', () => {
  test('nearest ×2 and ×4, then area ×½ and ×¼, gives the original back exactly', () => {
    const image = noiseImage(32, 32, 9);
    for (const factor of [2, 4]) {
      const big = upscaleNearest(image, factor);
      assert.equal(big.width, 32 * factor);
      assert.deepEqual(downscaleByFactor(big, factor).data, image.data);
    }
  });

  /** Independent reference: the separable tent kernel max(0, 1 − |s − u|) summed over all sources. */
  function tentResize(image: RgbImage, width: number, height: number): number[] {
    const position = (o: number, source: number, output: number): number => Math.min(Math.max(((o + 0.5) * source) / output - 0.5, 0), source - 1);
    const tent = (s: number, u: number): number => Math.max(0, 1 - Math.abs(s - u));
    const out: number[] = [];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const u = position(x, image.width, width);
        const v = position(y, image.height, height);
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (let sy = 0; sy < image.height; sy++) for (let sx = 0; sx < image.width; sx++) sum += tent(sx, u) * tent(sy, v) * image.data[(sy * image.width + sx) * 3 + c]!;
          out.push(sum);
        }
      }
    }
    return out;
  }

  for (const [width, height] of [[16, 12], [20, 15], [5, 9]] as const) {
    test(`bilinear 8×6 → ${width}×${height} matches the tent-kernel sum to rounding (±0.5)`, () => {
      const image = noiseImage(8, 6, width);
      const actual = resizeBilinear(image, width, height);
      tentResize(image, width, height).forEach((expected, i) => assert.ok(Math.abs(actual.data[i]! - expected) <= 0.5 + 1e-9, `sample ${i}: ${actual.data[i]} vs ${expected}`));
    });
  }

  // Slopes of 4 and 8 per pixel keep the quarter-pixel sample positions on integers (no rounding).
  test('bilinear ×2 then area ×½ returns a linear ramp exactly away from the clamped edges', () => {
    const ramp: RgbImage = { width: 16, height: 16, data: Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => 40 + 4 * (Math.floor(i / 3) % 16) + 8 * Math.floor(i / 48)) };
    const back = downscaleByFactor(resizeBilinear(ramp, 32, 32), 2);
    for (let y = 1; y < 15; y++) for (let x = 1; x < 15; x++) for (let c = 0; c < 3; c++) assert.equal(back.data[(y * 16 + x) * 3 + c], ramp.data[(y * 16 + x) * 3 + c]);
  });
});

describe('composeGrid', () => {
  test('cells sized to the largest image, images centred on white, grey gap lines, missing cells white', () => {
    const red = solid(2, 2, [255, 0, 0]);
    const green = solid(4, 3, [0, 255, 0]);
    const blue = solid(1, 1, [0, 0, 255]);
    const grid = composeGrid([[red, green], [blue]]);
    // Cells are 4×3 with a 1-px gap: R red, G green, B blue, . white, - gap.
    const expected = ['.RR.-GGGG', '.RR.-GGGG', '....-GGGG', '---------', '....-....', '.B..-....', '....-....'];
    const colours: Record<string, number[]> = { R: [255, 0, 0], G: [0, 255, 0], B: [0, 0, 255], '.': [255, 255, 255], '-': [160, 160, 160] };
    assert.equal(grid.width, 9);
    assert.equal(grid.height, 7);
    expected.forEach((row, y) => [...row].forEach((key, x) => assert.deepEqual(Array.from(grid.data.subarray((y * 9 + x) * 3, (y * 9 + x) * 3 + 3)), colours[key], `pixel ${x},${y}`)));
  });

  test('gap 0 tiles equal images edge to edge', () => {
    const image = noiseImage(3, 2, 4);
    const grid = composeGrid([[image, image]], { gap: 0 });
    assert.equal(grid.width, 6);
    for (let y = 0; y < 2; y++) assert.deepEqual(grid.data.subarray((y * 6 + 3) * 3, (y * 6 + 6) * 3), image.data.subarray(y * 9, y * 9 + 9));
  });

  test('an empty grid or a malformed image names the field', () => {
    assert.throws(() => composeGrid([]), /composeGrid\.rows/);
    assert.throws(() => composeGrid([[solid(2, 2, [0, 0, 0]), { width: 2, height: 2, data: new Uint8Array(3) }]]), /composeGrid\.rows\[0\]\[1\]/);
  });
});

describe('writePng', () => {
  test('writes an 8-bit RGB PNG that decodes to the same pixels', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fidelity-png-'));
    try {
      const image = noiseImage(5, 3, 2);
      const file = path.join(dir, 'grid.png');
      await writePng(file, image);
      const png = decode(await readFile(file));
      assert.deepEqual([png.width, png.height, png.channels, png.depth], [5, 3, 3, 8]);
      assert.deepEqual(Uint8Array.from(png.data), image.data);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
