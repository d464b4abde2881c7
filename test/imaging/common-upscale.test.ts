import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { centerCropWindow, commonUpscale, LATENT_UPSCALE_METHODS } from '../../app/imaging/common-upscale.js';
import { imageScaleTarget, resizeImage } from '../../app/imaging/image-scale.js';
import { assertAllClose, type Tolerance } from '../reference/compare.js';
import { randn, type NdArray } from '../reference/ndarray.js';
import { areaResize, bicubicResize, bilinearResize, bislerpResize, nearestExactResize } from '../reference/resampling.js';

/**
 * Each method against the naive reference in test/reference/resampling.ts. nearest-exact picks
 * pixels, so it must match exactly; the others differ by float32 vs float64 rounding only:
 * bilinear and area 1e-6, bicubic (16 taps) 1e-5, bislerp (acos/sin of near-parallel vectors) 1e-4
 * absolute on unit-variance data.
 */
const REFERENCES: Record<(typeof LATENT_UPSCALE_METHODS)[number], { resize: (x: NdArray, h: number, w: number) => NdArray; tolerance: Tolerance }> = {
  'nearest-exact': { resize: nearestExactResize, tolerance: { atol: 0, rtol: 0 } },
  bilinear: { resize: bilinearResize, tolerance: { atol: 1e-6, rtol: 1e-6 } },
  area: { resize: areaResize, tolerance: { atol: 1e-6, rtol: 1e-6 } },
  bicubic: { resize: bicubicResize, tolerance: { atol: 1e-5, rtol: 1e-5 } },
  bislerp: { resize: bislerpResize, tolerance: { atol: 1e-4, rtol: 1e-4 } },
};

/** Up by 2 and by 1.5, down by 2, and odd ratios (7 → 5, 5 → 13) in each axis. */
const SIZES: ReadonlyArray<readonly [number, number, number, number]> = [
  [6, 8, 12, 16],
  [6, 8, 9, 12],
  [8, 6, 4, 3],
  [7, 5, 5, 13],
];

describe('commonUpscale matches the naive references', () => {
  for (const method of LATENT_UPSCALE_METHODS) {
    for (const [height, width, toHeight, toWidth] of SIZES) {
      test(`${method}: ${height}×${width} → ${toHeight}×${toWidth}`, () => {
        const x = randn([2, 4, height, width], height * 100 + width);
        const out = commonUpscale(x.data, [2, 4, height, width], toHeight, toWidth, method, 'disabled');
        const reference = REFERENCES[method];
        assertAllClose(out, reference.resize(x, toHeight, toWidth), reference.tolerance, method);
      });
    }
  }
});

describe('center crop', () => {
  test('takes round((old − old·new_aspect/old_aspect)/2) off each end of the too-long side', () => {
    // 10 wide → aspect 1: (10 − 10·(1/1.25))/2 = 1 off each side of a 10×8 image.
    assert.deepEqual(centerCropWindow(8, 10, 16, 16), { top: 0, left: 1, height: 8, width: 8 });
    // 9 tall → aspect 1: (9 − 9·(4/9))/2 = 2.5, which Python's round takes to 2, not 3.
    assert.deepEqual(centerCropWindow(9, 4, 4, 4), { top: 2, left: 0, height: 5, width: 4 });
  });

  test('crops, then resizes: the same as resizing the cropped window', () => {
    const x = randn([1, 3, 8, 10], 7);
    const out = commonUpscale(x.data, [1, 3, 8, 10], 16, 16, 'bilinear', 'center');
    const cropped = randn([1, 3, 8, 8], 0);
    for (let plane = 0; plane < 3; plane++) for (let y = 0; y < 8; y++) for (let i = 0; i < 8; i++) cropped.data[(plane * 8 + y) * 8 + i] = x.at(0, plane, y, i + 1);
    assertAllClose(out, bilinearResize(cropped, 16, 16), { atol: 1e-6, rtol: 1e-6 }, 'center crop');
  });
});

describe('ImageScale', () => {
  const image = { batch: 1, height: 4, width: 6, pixels: Float32Array.from({ length: 72 }, (_, i) => (i % 7) / 7) };

  test('0 on one side follows the aspect ratio; 0 on both keeps the image', () => {
    assert.deepEqual(imageScaleTarget(image, 0, 8), { width: 12, height: 8 });
    assert.deepEqual(imageScaleTarget(image, 3, 0), { width: 3, height: 2 });
    assert.deepEqual(imageScaleTarget(image, 0, 0), { width: 6, height: 4 });
  });

  test('at its own size, lanczos still goes through 8 bits (ComfyUI resamples unless both sides are 0); bilinear returns it exactly', () => {
    const lanczos = resizeImage(image, 6, 4, 'lanczos', 'disabled');
    // (i % 7) / 7 is off the 8-bit grid for i % 7 ≠ 0; Pillow's round trip puts every value on it.
    assert.ok(lanczos.pixels.every((value) => Math.abs(value * 255 - Math.round(value * 255)) < 1e-4));
    assert.ok(lanczos.pixels.some((value, i) => value !== image.pixels[i]));
    assert.deepEqual(resizeImage(image, 6, 4, 'bilinear', 'disabled').pixels, image.pixels);
  });

  test('resizes NHWC images channel by channel, as the reference does on NCHW', () => {
    const out = resizeImage(image, 9, 6, 'bicubic', 'disabled');
    const planes = randn([1, 3, 4, 6], 0);
    for (let p = 0; p < 24; p++) for (let c = 0; c < 3; c++) planes.data[c * 24 + p] = image.pixels[p * 3 + c]!;
    const expected = bicubicResize(planes, 6, 9);
    const interleaved = Float32Array.from({ length: 162 }, (_, i) => expected.data[(i % 3) * 54 + Math.floor(i / 3)]!);
    assert.equal(out.width, 9);
    assert.equal(out.height, 6);
    for (let i = 0; i < interleaved.length; i++) assert.ok(Math.abs(out.pixels[i]! - interleaved[i]!) < 1e-5, `value ${i}`);
  });
});
