/**
 * VAEEncodeForInpaint's image and mask preparation (app/imaging/inpaint-pixels.ts) against a naive
 * reference of ComfyUI's tensor code (test/reference/inpaint-pixels.ts): sides that are not
 * multiples of the VAE factor (centred crop), masks at another size (bilinear, then rounded, ties to
 * even), even and odd grow_mask_by (the padded box sum and its first H×W), 0, and a mask per image.
 * Tolerance: the noise mask exactly; pixels 1e-6 (one float32 subtract, multiply, add).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inpaintPixels } from '../../app/imaging/inpaint-pixels.js';
import type { MaskBatch } from '../../app/imaging/mask.js';
import { difference } from '../reference/compare.js';
import { vaeEncodeForInpaintInputs } from '../reference/inpaint-pixels.js';
import { NdArray } from '../reference/ndarray.js';

function image(batch: number, height: number, width: number) {
  const pixels = Float32Array.from({ length: batch * height * width * 3 }, (_, i) => ((i * 37) % 101) / 100);
  return { batch, height, width, pixels };
}

/** A blob of 1 with a soft rim (values 0.25 … 0.75, some exactly 0.5) at (cy, cx) on a h×w plane. */
function blob(batch: number, height: number, width: number, centres: ReadonlyArray<readonly [number, number]>): MaskBatch {
  const values = new Float32Array(batch * height * width);
  for (let b = 0; b < batch; b++) {
    const [cy, cx] = centres[b]!;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) values[(b * height + y) * width + x] = Math.round(Math.max(0, Math.min(1, 1.5 - Math.hypot(y - cy, x - cx) / 3)) * 4) / 4;
    }
  }
  return { batch, height, width, values };
}

describe('VAEEncodeForInpaint\'s pixels and noise mask = ComfyUI\'s', () => {
  const cases: Array<[string, ReturnType<typeof image>, MaskBatch, number, number]> = [
    ['21×19 image, factor 8, grow 6 (even: one row and column more, cut off)', image(2, 21, 19), blob(1, 21, 19, [[10, 9]]), 8, 6],
    ['the same, grow 5 (odd)', image(2, 21, 19), blob(1, 21, 19, [[10, 9]]), 8, 5],
    ['the same, grow 0 (the mask rounded)', image(2, 21, 19), blob(1, 21, 19, [[10, 9]]), 8, 0],
    ['mask 9×7 resized to the 16×24 image, one per image, near the edge', image(2, 16, 24), blob(2, 9, 7, [[1, 1], [6, 5]]), 8, 6],
    ['factor 1 (a pixel-space model), grow 2', image(1, 9, 10), blob(1, 9, 10, [[2, 3]]), 1, 2],
  ];
  for (const [label, pixels, mask, factor, grow] of cases) {
    test(label, () => {
      const ours = inpaintPixels(pixels, mask, factor, grow);
      const expected = vaeEncodeForInpaintInputs(new NdArray([pixels.batch, pixels.height, pixels.width, 3], pixels.pixels), new NdArray([mask.batch, mask.height, mask.width], mask.values), factor, grow);
      assert.deepEqual([ours.pixels.batch, ours.pixels.height, ours.pixels.width], expected.pixels.shape.slice(0, 3));
      assert.deepEqual([ours.noiseMask.batch, 1, ours.noiseMask.height, ours.noiseMask.width], expected.noiseMask.shape);
      assert.deepEqual(Array.from(ours.noiseMask.values), Array.from(expected.noiseMask.data));
      const diff = difference(ours.pixels.pixels, expected.pixels.data, { atol: 1e-6, rtol: 0 });
      assert.ok(diff.withinTolerance, `largest pixel difference ${diff.maxAbs}`);
      assert.ok(ours.noiseMask.values.some((v) => v === 1) && ours.noiseMask.values.some((v) => v === 0), 'the case masks part of the image');
    });
  }
});
