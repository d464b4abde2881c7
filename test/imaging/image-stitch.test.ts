/**
 * ImageStitch (app/imaging/image-stitch.ts) against a naive reference of ComfyUI's nodes_images.py
 * (test/reference/image-stitch.ts: repeat, resize or pad, spacing tensor, concatenation, each by
 * pixel loops) on seeded random images of unequal sizes: every direction with and without
 * match_image_size, odd spacing in every colour, padding colours, batch mismatches both ways. The
 * matched resize is the project's common_upscale (lanczos, its own tests in lanczos.test.ts),
 * called directly by the reference. Tolerance: exact (stitching only copies values).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ImageBatch } from '../../app/imaging/image-batch.js';
import { resizeImage } from '../../app/imaging/image-scale.js';
import { SPACING_COLORS, STITCH_DIRECTIONS, stitchImages, type StitchOptions } from '../../app/imaging/image-stitch.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';
import { NdArray } from '../reference/ndarray.js';
import { stitchReference } from '../reference/image-stitch.js';

/** Seeded uniform values strictly inside (0, 1), so neither padding value can pass for a pixel. */
function randomImage(batch: number, height: number, width: number, seed: number): ImageBatch {
  let state = seed;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  return { batch, height, width, pixels: Float32Array.from({ length: batch * height * width * 3 }, () => 0.01 + 0.98 * next()) };
}

const asArray = (image: ImageBatch) => new NdArray([image.batch, image.height, image.width, 3], image.pixels);
const projectResize = (image: NdArray, width: number, height: number) => {
  const [batch, h, w] = image.shape as [number, number, number];
  return asArray(resizeImage({ batch, height: h, width: w, pixels: image.data }, width, height, 'lanczos', 'disabled'));
};

const OPTIONS: StitchOptions = { direction: 'right', matchImageSize: true, spacingWidth: 0, spacingColor: 'white' };

function assertMatchesReference(image1: ImageBatch, image2: ImageBatch | undefined, options: StitchOptions): ImageBatch {
  const ours = stitchImages(image1, image2, options);
  const expected = stitchReference(asArray(image1), image2 && asArray(image2), { ...options, resize: projectResize });
  assert.deepEqual([ours.batch, ours.height, ours.width, 3], expected.shape);
  const mismatch = ours.pixels.findIndex((value, i) => value !== expected.data[i]);
  assert.equal(mismatch, -1, `first difference at ${mismatch}: ${ours.pixels[mismatch]} vs ${expected.data[mismatch]}`);
  return ours;
}

const pixelAt = (image: ImageBatch, n: number, y: number, x: number) => Array.from(image.pixels.subarray(((n * image.height + y) * image.width + x) * 3, ((n * image.height + y) * image.width + x) * 3 + 3));

describe('ImageStitch as ComfyUI\'s', () => {
  const tall = randomImage(1, 7, 4, 1);
  const wide = randomImage(1, 4, 9, 2);

  for (const direction of STITCH_DIRECTIONS) {
    for (const matchImageSize of [true, false]) {
      test(`${direction}, match_image_size ${matchImageSize}: both orders of a tall and a wide image`, () => {
        assertMatchesReference(tall, wide, { ...OPTIONS, direction, matchImageSize });
        assertMatchesReference(wide, tall, { ...OPTIONS, direction, matchImageSize });
      });
    }
  }

  test('sizes: right matches image2 to image1\'s height (width truncated), down to its width; left and up put image2 first', () => {
    // 9×4 to a height of 7: int(7 · 9/4) = 15; 4×7 to a width of 9: int(9 / (4/7)) = 15.
    assert.deepEqual(dimensions(stitchImages(tall, wide, { ...OPTIONS, direction: 'right' })), [7, 4 + 15]);
    assert.deepEqual(dimensions(stitchImages(wide, tall, { ...OPTIONS, direction: 'down' })), [4 + 15, 9]);
    const left = stitchImages(tall, wide, { ...OPTIONS, direction: 'left', matchImageSize: false });
    assert.deepEqual(pixelAt(left, 0, 0, 9), pixelAt(tall, 0, 0, 0), 'image1 starts after image2');
  });

  for (const spacingColor of SPACING_COLORS) {
    test(`spacing_width 3 becomes a strip of 4 in ${spacingColor}, each direction`, () => {
      for (const direction of STITCH_DIRECTIONS) assertMatchesReference(tall, wide, { ...OPTIONS, direction, spacingWidth: 3, spacingColor });
      const right = stitchImages(tall, wide, { ...OPTIONS, spacingWidth: 3, spacingColor });
      const rgb = { white: [1, 1, 1], black: [0, 0, 0], red: [1, 0, 0], green: [0, 1, 0], blue: [0, 0, 1] }[spacingColor];
      for (const x of [4, 7]) assert.deepEqual(pixelAt(right, 0, 3, x), rgb, `strip column ${x}`);
      assert.notDeepEqual(pixelAt(right, 0, 3, 8), rgb, 'image2 starts after four columns');
    });

    test(`padding without matching, spacing ${spacingColor}: white pads white, any other colour black (ComfyUI's pad_value)`, () => {
      for (const direction of STITCH_DIRECTIONS) assertMatchesReference(tall, wide, { ...OPTIONS, direction, matchImageSize: false, spacingWidth: 2, spacingColor });
      // wide (height 4) beside tall (height 7): pad 3, one row above, two below.
      const right = stitchImages(tall, wide, { ...OPTIONS, matchImageSize: false, spacingColor });
      const padValue = spacingColor === 'white' ? 1 : 0;
      for (const y of [0, 5, 6]) assert.deepEqual(pixelAt(right, 0, y, 4), [padValue, padValue, padValue], `padding row ${y}`);
      assert.deepEqual(pixelAt(right, 0, 1, 4), pixelAt(wide, 0, 0, 0));
    });
  }

  test('batches of different sizes: the shorter one repeats its last image, either side', () => {
    const three = randomImage(3, 5, 6, 3);
    const two = randomImage(2, 4, 3, 4);
    for (const matchImageSize of [true, false]) {
      assert.equal(assertMatchesReference(three, two, { ...OPTIONS, direction: 'down', matchImageSize, spacingWidth: 2 }).batch, 3);
      assertMatchesReference(two, three, { ...OPTIONS, direction: 'left', matchImageSize });
    }
    const stitched = stitchImages(three, two, { ...OPTIONS, matchImageSize: false });
    assert.deepEqual(pixelAt(stitched, 2, 0, 6), pixelAt(two, 1, 0, 0));
  });

  test('match_image_size takes image2 through lanczos\'s 8 bits even at the same size, as ComfyUI\'s common_upscale does', () => {
    const same = randomImage(1, 7, 4, 5);
    const stitched = assertMatchesReference(tall, same, OPTIONS);
    const truncated = pixelAt(same, 0, 2, 1).map((value) => Math.trunc(Math.fround(255 * value)) / 255);
    assert.deepEqual(pixelAt(stitched, 0, 2, 4 + 1), truncated.map((value) => Math.fround(value)));
  });

  test('without image2, image1 as it is', () => {
    assert.equal(stitchImages(tall, undefined, { ...OPTIONS, spacingWidth: 8 }), tall);
    assertMatchesReference(tall, undefined, OPTIONS);
  });

  test('a match that would leave image2 no pixels is refused on match_image_size', () => {
    const strip = randomImage(1, 1, 40, 6);
    assert.throws(
      () => stitchImages(randomImage(1, 10, 10, 7), strip, { ...OPTIONS, direction: 'down' }),
      (error) => error instanceof UserFacingError && error.field === 'match_image_size' && /0 pixels|×0/.test(error.message) && error.hint !== undefined,
    );
  });
});

function dimensions(image: ImageBatch): [number, number] {
  return [image.height, image.width];
}
