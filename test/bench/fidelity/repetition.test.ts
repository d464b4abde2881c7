import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { borderMedianColour, countObjects, foregroundMask, measureRepetition } from '../../../bench/fidelity/repetition.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';
import { addNoise, scene, whiteCanvas } from './synthetic-scenes.js';

describe('countObjects on scenes with a known number of objects', () => {
  for (const size of [32, 64, 128]) {
    for (const k of [1, 2, 4, 9]) {
      test(`${size}², k = ${k}, three seeds`, () => {
        for (const seed of [1, 2, 3]) {
          const result = countObjects(scene(size, k, seed * 100 + k));
          assert.equal(result.count, k, `seed ${seed}: areas ${result.areas.join(', ')}`);
        }
      });
    }
  }

  test('k equal squares: the largest share is 1/k and the foreground fraction is their area', () => {
    const canvas = whiteCanvas(64);
    for (const [x, y] of [[16, 16], [48, 16], [16, 48], [48, 48]] as const) canvas.fill('square', x, y, 5, [200, 30, 30]);
    const result = countObjects(canvas.image);
    assert.equal(result.count, 4);
    assert.deepEqual(result.areas, [100, 100, 100, 100]);
    assert.equal(result.largestShare, 0.25);
    assert.equal(result.foregroundFraction, 400 / 64 ** 2);
  });
});

describe('countObjects edge cases', () => {
  test('objects touching along an edge or at a corner count as one (8-connectivity)', () => {
    const side = whiteCanvas(32);
    side.fill('square', 10, 16, 4, [200, 0, 0]);
    side.fill('square', 18, 16, 4, [0, 0, 200]);
    assert.equal(countObjects(side.image).count, 1);
    const corner = whiteCanvas(32);
    corner.fill('square', 10, 10, 4, [200, 0, 0]);
    corner.fill('square', 18, 18, 4, [0, 0, 200]);
    assert.equal(countObjects(corner.image).count, 1);
    const apart = whiteCanvas(32);
    apart.fill('square', 10, 10, 4, [200, 0, 0]);
    apart.fill('square', 19, 19, 4, [0, 0, 200]);
    assert.equal(countObjects(apart.image).count, 2);
  });

  test('a uniform image, white or coloured, has no objects', () => {
    for (const colour of [[255, 255, 255], [90, 140, 30]]) {
      const canvas = whiteCanvas(64);
      canvas.fill('square', 32, 32, 40, colour);
      const result = countObjects(addNoise(canvas.image, 8, 5));
      assert.equal(result.count, 0);
      assert.equal(result.largestShare, 0);
    }
  });

  test('isolated dark speckles below the minimum area are ignored, at every size', () => {
    for (const size of [32, 128]) {
      const canvas = whiteCanvas(size);
      canvas.fill('disc', size / 2, size / 2, size / 4, [40, 40, 200]);
      for (let i = 0; i < 6; i++) canvas.image.data.fill(0, (i * 3 + 1) * 3, (i * 3 + 2) * 3); // single pixels on row 0
      const result = countObjects(canvas.image);
      assert.equal(result.count, 1);
      assert.equal(countObjects(canvas.image, { minAreaFraction: 0 }).count, 7);
    }
  });

  test('an object drawn at training size in a 128² image is counted', () => {
    const canvas = whiteCanvas(128);
    canvas.fill('disc', 30, 30, 3, [0, 0, 0]); // a blob of ~0.2% of 128²: noise
    canvas.fill('disc', 90, 90, 16, [0, 0, 0]); // an object filling a 32² frame: ~5% of 128²
    assert.equal(countObjects(canvas.image).count, 1);
  });
});

describe('foregroundMask', () => {
  test('the background is the border median, so an off-white background is not foreground', () => {
    const canvas = whiteCanvas(32);
    canvas.fill('square', 16, 16, 16, [230, 225, 210]);
    canvas.fill('disc', 16, 16, 6, [230, 225, 120]);
    canvas.fill('square', 0.5, 16.5, 0.4, [0, 0, 0]); // one border pixel differs; the median ignores it
    assert.deepEqual(borderMedianColour(canvas.image), [230, 225, 210]);
    const mask = foregroundMask(canvas.image);
    const foreground = mask.mask.reduce((sum, v) => sum + v, 0);
    assert.equal(foreground, 1 + countObjects(canvas.image, { minAreaFraction: 0 }).areas[0]!);
  });

  test('the threshold is on the largest channel difference, strictly above', () => {
    const canvas = whiteCanvas(8);
    canvas.fill('square', 2.5, 2.5, 0.5, [255, 215, 255]); // 40 away: background
    canvas.fill('square', 5.5, 5.5, 0.5, [255, 255, 214]); // 41 away: foreground
    const { mask } = foregroundMask(canvas.image);
    assert.equal(mask[2 * 8 + 2], 0);
    assert.equal(mask[5 * 8 + 5], 1);
  });

  test('a malformed image is rejected naming the function and field', () => {
    assert.throws(() => foregroundMask({ width: 4, height: 4, data: new Uint8Array(10) }), (error: unknown) => error instanceof UserFacingError && error.field === 'foregroundMask.image');
    assert.throws(() => countObjects(scene(32, 1, 1), { minAreaFraction: 1 }), /countObjects\.options\.minAreaFraction/);
  });
});

describe('measureRepetition', () => {
  test('two identical discs joined by a thin stroke: one object, but the autocorrelation sees the copy', () => {
    const canvas = whiteCanvas(64);
    canvas.fill('disc', 16, 32, 9, [220, 120, 0]);
    canvas.fill('disc', 48, 32, 9, [220, 120, 0]);
    for (let x = 16; x < 48; x++) canvas.image.data.fill(0, (32 * 64 + x) * 3, (32 * 64 + x + 1) * 3);
    const { objects, autocorrelation } = measureRepetition(canvas.image);
    assert.equal(objects.count, 1);
    // On a 64-wide canvas the shift +32 is also −32: one peak.
    assert.deepEqual(autocorrelation.peaks.map((p) => [p.dx, p.dy]), [[32, 0]]);
    assert.ok(autocorrelation.peaks[0]!.value > 0.8, `peak ${autocorrelation.peaks[0]!.value}`);
  });

  test('a single centred object at 32², 64² and 128² has no autocorrelation peaks', () => {
    for (const size of [32, 64, 128]) {
      for (const seed of [11, 12, 13]) {
        const { objects, autocorrelation } = measureRepetition(scene(size, 1, seed));
        assert.equal(objects.count, 1);
        assert.deepEqual(autocorrelation.peaks, [], `${size}² seed ${seed}`);
        assert.ok(autocorrelation.strongest < 0.5);
      }
    }
  });
});
