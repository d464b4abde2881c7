import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { greyLevels, highPass, textureRepetition } from '../../../bench/fidelity/texture-repetition.js';
import { measureRepetition } from '../../../bench/fidelity/repetition.js';
import { noiseImage, singleFace, stripedObject, tiledTexture } from './texture-scenes.js';

const TILED_AT_LEAST = 0.6;
const STRIPES_BELOW = 0.45;
const PLAIN_BELOW = 0.2;

describe('textureRepetition', () => {
  test('a tiled texture inside one connected object scores high, though the object count and the mask autocorrelation see one plain object', () => {
    for (const [size, period] of [[128, 12], [128, 16], [128, 21], [128, 32], [64, 16]] as const) {
      const image = tiledTexture(size, period, period);
      const texture = textureRepetition(image);
      assert.ok(texture.score >= TILED_AT_LEAST, `${size}² tiled every ${period} px: score ${texture.score}`);
      // The two lattice vectors are the tile period along x and y (either sign, either order).
      const vectors = [texture.strongest!, texture.secondDirection!].map((peak) => [Math.abs(peak.dx), Math.abs(peak.dy)].sort((a, b) => a - b).join(','));
      assert.deepEqual(vectors, [`0,${period}`, `0,${period}`]);
      const objects = measureRepetition(image);
      assert.equal(objects.objects.count, 1);
      assert.equal(objects.autocorrelation.peaks.length, 0);
    }
  });

  test('one object with stripes in any direction scores low-ish: its repetition runs along one direction only', () => {
    for (const [period, angle] of [[8, 0], [7, 0.6], [6, 1.2], [10, 0.3], [9, 2.0], [5, 0.9]] as const) {
      const texture = textureRepetition(stripedObject(128, period, angle, period));
      assert.ok(texture.strongest!.value > TILED_AT_LEAST, `stripes ${period} px at ${angle} rad do repeat along one direction: ${texture.strongest!.value}`);
      assert.ok(texture.score < STRIPES_BELOW, `stripes ${period} px at ${angle} rad: score ${texture.score}`);
    }
  });

  test('one plain object and white noise score low; the order is tiled > stripes > single object, noise', () => {
    const face = textureRepetition(singleFace(128, 1)).score;
    const noise = textureRepetition(noiseImage(128, 2)).score;
    const stripes = textureRepetition(stripedObject(128, 8, 0, 3)).score;
    const tiled = textureRepetition(tiledTexture(128, 16, 4)).score;
    assert.ok(face < PLAIN_BELOW && noise < PLAIN_BELOW, `face ${face}, noise ${noise}`);
    assert.ok(tiled > stripes && tiled > face && tiled > noise, `tiled ${tiled}, stripes ${stripes}, face ${face}, noise ${noise}`);
  });

  test('a uniform image has nothing to repeat', () => {
    const image = { width: 32, height: 32, data: new Uint8Array(32 * 32 * 3).fill(200) };
    assert.deepEqual(textureRepetition(image), { strongest: null, secondDirection: null, score: 0 });
  });
});

describe('highPass', () => {
  test('removes a constant and a linear ramp away from the wrap, keeps a single bright pixel minus its 1/25 share', () => {
    const width = 16;
    const ramp = Float64Array.from({ length: width * width }, (_, p) => 10 + 3 * (p % width));
    const passed = highPass(ramp, width, width, 2);
    for (let y = 0; y < width; y++) for (let x = 2; x < width - 2; x++) assert.ok(Math.abs(passed[y * width + x]!) < 1e-9);
    const spike = new Float64Array(width * width);
    spike[5 * width + 7] = 25;
    const detail = highPass(spike, width, width, 2);
    assert.ok(Math.abs(detail[5 * width + 7]! - 24) < 1e-9);
    assert.ok(Math.abs(detail[6 * width + 8]! + 1) < 1e-9);
    assert.ok(Math.abs(detail[5 * width + 10]!) < 1e-9);
  });

  test('rejects a radius that is not a positive integer', () => {
    assert.throws(() => highPass(new Float64Array(4), 2, 2, 0), /highPass\.radius/);
  });
});

describe('greyLevels', () => {
  test('BT.601 luma of pure primaries', () => {
    const image = { width: 3, height: 1, data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255]) };
    const grey = greyLevels(image);
    [0.299 * 255, 0.587 * 255, 0.114 * 255].forEach((expected, index) => assert.ok(Math.abs(grey[index]! - expected) < 1e-9));
  });
});
