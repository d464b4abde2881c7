/**
 * The mask nodes' operations (app/imaging/mask-ops.ts, mask.ts's maskToImage) against a naive
 * reference of ComfyUI's nodes_mask.py (test/reference/mask-ops.ts) on random soft and hard masks
 * of two planes: crops past the edges, feathers wider than the mask (with Python's −0 index),
 * growing and shrinking with both footprints (scipy's reflected border), every composite operation
 * with offsets that run past the destination and a one-plane source.
 * Tolerance: exact, except FeatherMask 1e-6 (its factors multiply in another order).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compositeMasks, COMPOSITE_OPERATIONS, cropMask, featherMask, growMask, invertMask, thresholdMask } from '../../app/imaging/mask-ops.js';
import { maskToImage, type MaskBatch } from '../../app/imaging/mask.js';
import { difference } from '../reference/compare.js';
import * as comfy from '../reference/mask-ops.js';
import { NdArray } from '../reference/ndarray.js';

/** Seeded uniform values in [0, 1); `hard` rounds them to 0/1 with about a fifth set. */
function randomMask(batch: number, height: number, width: number, seed: number, hard = false): MaskBatch {
  let state = seed;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const values = Float32Array.from({ length: batch * height * width }, () => (hard ? Number(next() > 0.8) : next()));
  return { batch, height, width, values };
}

const asArray = (mask: MaskBatch) => new NdArray([mask.batch, mask.height, mask.width], mask.values);

function assertSame(ours: MaskBatch, expected: NdArray, atol = 0): void {
  assert.deepEqual([ours.batch, ours.height, ours.width], expected.shape);
  const diff = difference(ours.values, expected.data, { atol, rtol: 0 });
  assert.ok(diff.withinTolerance, `largest difference ${diff.maxAbs} at ${diff.worstIndex}`);
}

describe('mask operations = ComfyUI\'s nodes_mask.py', () => {
  const soft = randomMask(2, 9, 11, 7);
  const hard = randomMask(2, 12, 10, 3, true);

  test('InvertMask, ThresholdMask (strictly above), MaskToImage', () => {
    assertSame(invertMask(soft), comfy.invert(asArray(soft)));
    for (const value of [0, 0.5, soft.values[3]!, 1]) assertSame(thresholdMask(soft, value), comfy.threshold(asArray(soft), value));
    const image = maskToImage(soft);
    assert.deepEqual(Array.from(image.pixels), Array.from(comfy.toImage(asArray(soft)).data));
  });

  test('CropMask inside, past the right and bottom edges, and one pixel', () => {
    for (const [x, y, width, height] of [[2, 3, 4, 5], [7, 6, 512, 512], [10, 8, 1, 1], [0, 0, 11, 9]]) {
      assertSame(cropMask(soft, x!, y!, width!, height!), comfy.crop(asArray(soft), x!, y!, width!, height!));
    }
  });

  test('FeatherMask on each side alone, all together, and wider than the mask', () => {
    for (const sides of [[3, 0, 0, 0], [0, 2, 0, 0], [0, 0, 4, 0], [0, 0, 0, 3], [2, 3, 4, 5], [20, 1, 20, 30], [1, 1, 1, 1]]) {
      const [left, top, right, bottom] = sides as [number, number, number, number];
      assertSame(featherMask(soft, { left, top, right, bottom }), comfy.feather(asArray(soft), left, top, right, bottom), 1e-6);
    }
  });

  test('GrowMask: growing and shrinking, tapered and square, on soft and hard masks, past the point where nothing changes', () => {
    for (const mask of [soft, hard]) {
      for (const expand of [0, 1, 3, -1, -2, 30, -30]) {
        for (const tapered of [true, false]) assertSame(growMask(mask, expand, tapered), comfy.grow(asArray(mask), expand, tapered));
      }
    }
  });

  test('MaskComposite: every operation, inside and past the edges, a one-plane source over two planes', () => {
    const source = randomMask(1, 5, 6, 11);
    const hardSource = randomMask(2, 4, 4, 5, true);
    for (const operation of COMPOSITE_OPERATIONS) {
      for (const [x, y] of [[0, 0], [3, 2], [8, 10], [11, 0]]) {
        assertSame(compositeMasks(hard, source, x!, y!, operation), comfy.composite(asArray(hard), asArray(source), x!, y!, operation));
        assertSame(compositeMasks(hard, hardSource, x!, y!, operation), comfy.composite(asArray(hard), asArray(hardSource), x!, y!, operation));
      }
    }
  });
});
