/**
 * ImageScale's lanczos, as ComfyUI runs it (8 bits through Pillow's LANCZOS):
 * - against bytes Pillow 9.4 wrote for the same input (Image.frombytes('L', (5, 4), bytes((i·37 + 11)
 *   % 256 for i in range(20))).resize(size, LANCZOS)), up, down and mixed: exactly;
 * - against the naive float64 2-D definition in test/reference/lanczos.ts on smooth images (no
 *   overshoot for Pillow's 8-bit clip between the passes to cut): within 1.5/255 — the rounding of
 *   the horizontal pass to a byte (½, times the vertical kernel's Σ|w| ≤ 1.25 here) plus the final one
 *   (½), the fixed-point weights adding under 10⁻⁴;
 * - the 8-bit step: numpy's astype(uint8) truncates, so 0.999 becomes 254, not 255.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { commonUpscale } from '../../app/imaging/common-upscale.js';
import { lanczosPlanes, toBytes } from '../../app/imaging/lanczos.js';
import { resizeImage } from '../../app/imaging/image-scale.js';
import { lanczosResizeBytes } from '../reference/lanczos.js';

const SOURCE_BYTES = Array.from({ length: 20 }, (_, i) => (i * 37 + 11) % 256);
/** Mid-byte samples, so the truncation to 8 bits gives back exactly these bytes. */
const asSamples = (bytes: readonly number[]) => Float32Array.from(bytes, (byte) => (byte + 0.5) / 255);
const toByteValues = (samples: Float32Array) => Array.from(samples, (value) => Math.round(value * 255));

const PILLOW: ReadonlyArray<{ width: number; height: number; bytes: number[] }> = [
  { width: 7, height: 3, bytes: [58, 88, 90, 48, 63, 121, 156, 171, 209, 188, 107, 138, 101, 28, 60, 75, 118, 165, 202, 180, 147] },
  { width: 3, height: 6, bytes: [2, 91, 156, 120, 60, 106, 235, 88, 56, 159, 206, 92, 82, 183, 161, 62, 116, 196] },
  { width: 2, height: 2, bytes: [114, 94, 138, 149] },
  {
    width: 5,
    height: 9,
    bytes: [0, 19, 103, 140, 166, 35, 72, 70, 107, 154, 124, 161, 22, 59, 131, 202, 239, 19, 56, 80, 197, 234, 107, 144, 16, 133, 170, 194, 231, 11, 82, 119, 191, 228, 89, 59, 96, 143, 180, 178, 47, 84, 110, 147, 231],
  },
];

describe('lanczos as ComfyUI runs it through Pillow', () => {
  for (const expected of PILLOW) {
    test(`5×4 → ${expected.width}×${expected.height}: Pillow's bytes exactly`, () => {
      const out = lanczosPlanes(asSamples(SOURCE_BYTES), 1, { height: 4, width: 5 }, { height: expected.height, width: expected.width });
      assert.deepEqual(toByteValues(out), expected.bytes);
    });
  }

  const smooth = (height: number, width: number, phase: number) =>
    Float32Array.from({ length: height * width }, (_, p) => 0.5 + 0.3 * Math.sin((Math.floor(p / width) + phase) / 3) * Math.cos(((p % width) - phase) / 4));

  for (const [height, width, toHeight, toWidth] of [[12, 16, 30, 40], [24, 20, 10, 9], [9, 13, 17, 6]] as const) {
    test(`${height}×${width} → ${toHeight}×${toWidth}: the naive definition within 1.5/255`, () => {
      const planes = smooth(height, width, height + width);
      const out = lanczosPlanes(planes, 1, { height, width }, { height: toHeight, width: toWidth });
      const reference = lanczosResizeBytes(toBytes(planes), height, width, toHeight, toWidth);
      const worst = Math.max(...Array.from(out, (value, i) => Math.abs(value * 255 - reference[i]!)));
      assert.ok(worst <= 1.5, `worst difference ${worst.toFixed(3)}/255`);
    });
  }

  test('to 8 bits as numpy does: clipped, then truncated', () => {
    assert.deepEqual(Array.from(toBytes(Float32Array.of(-0.2, 0, 0.999, 1, 1.7, 0.5))), [0, 0, 254, 255, 255, 127]);
  });

  test('ImageScale offers it: channels resize alike, a size kept on one axis skips that pass', () => {
    const pixels = Float32Array.from({ length: 5 * 4 * 3 }, (_, i) => (SOURCE_BYTES[Math.floor(i / 3)]! + 0.5) / 255);
    const out = resizeImage({ batch: 1, height: 4, width: 5, pixels }, 7, 3, 'lanczos', 'disabled');
    for (let c = 0; c < 3; c++) assert.deepEqual(toByteValues(out.pixels.filter((_, i) => i % 3 === c)), PILLOW[0]!.bytes);
    const widthKept = commonUpscale(asSamples(SOURCE_BYTES), [1, 1, 4, 5], 9, 5, 'lanczos', 'disabled');
    assert.deepEqual(toByteValues(widthKept), PILLOW[3]!.bytes);
  });
});
