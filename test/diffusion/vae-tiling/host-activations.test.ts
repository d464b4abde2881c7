import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ImageBuffer, TokenBuffer } from '../../../app/diffusion/vae-tiling/host-activations.js';
import { fromFloat16 } from '../../../app/runtime/float16.js';

/** value = 1000·plane + 10·row + column: every element says where it came from. */
function labelled(batch: number, channels: number, height: number, width: number): Float32Array {
  return Float32Array.from({ length: batch * channels * height * width }, (_, i) => {
    const plane = Math.floor(i / (height * width));
    const within = i % (height * width);
    return 1000 * plane + 10 * Math.floor(within / width) + (within % width);
  });
}

describe('whole-image activations in host memory', () => {
  test('read gives the NCHW rectangle; write puts one back; the whole image round-trips', () => {
    const buffer = ImageBuffer.fromFloat32('float32', labelled(2, 3, 5, 6), [2, 3, 5, 6]);
    const tile = buffer.read({ top: 1, left: 2, bottom: 3, right: 5 });
    assert.deepEqual(tile.dims, [2, 3, 2, 3]);
    // plane 4 (sample 1, channel 1), row 2, columns 2..4
    assert.deepEqual([...(tile.data as Float32Array).subarray(4 * 6 + 3, 4 * 6 + 6)], [4022, 4023, 4024]);
    const copy = new ImageBuffer('float32', 2, 3, 5, 6);
    for (const rect of [{ top: 0, left: 0, bottom: 5, right: 3 }, { top: 0, left: 3, bottom: 5, right: 6 }]) copy.write(rect, buffer.read(rect).data as Float32Array);
    assert.deepEqual(copy.toFloat32(), buffer.toFloat32());
  });

  test('float16 buffers hold float16 bits and convert at the edges', () => {
    const values = Float32Array.of(0.1, -2, 65504, 1 / 3);
    const buffer = ImageBuffer.fromFloat32('float16', values, [1, 1, 2, 2]);
    const tile = buffer.read({ top: 0, left: 0, bottom: 2, right: 2 });
    assert.equal(tile.type, 'float16');
    assert.ok(tile.data instanceof Uint16Array);
    assert.deepEqual(buffer.toFloat32(), fromFloat16(tile.data));
    assert.ok(Math.abs(buffer.toFloat32()[3]! - 1 / 3) < 1e-3);
  });

  test('rectangles outside the image and data of the wrong size are refused', () => {
    const buffer = new ImageBuffer('float32', 1, 1, 4, 4);
    assert.throws(() => buffer.read({ top: 2, left: 0, bottom: 5, right: 4 }), /not inside a 4×4 image/);
    assert.throws(() => buffer.write({ top: 0, left: 0, bottom: 2, right: 2 }, new Float32Array(3)), /do not fill/);
  });

  test('tokens of a tile land at their row-major positions of the whole latent', () => {
    const tokens = new TokenBuffer('float32', 1, 3, 4, 2);
    // tile rows 1..2, columns 2..3: positions (1,2) (1,3) (2,2) (2,3), two channels each
    tokens.write({ top: 1, left: 2, bottom: 3, right: 4 }, Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    const data = tokens.tensor().data as Float32Array;
    const at = (y: number, x: number) => [...data.subarray((y * 4 + x) * 2, (y * 4 + x) * 2 + 2)];
    assert.deepEqual([at(1, 2), at(1, 3), at(2, 2), at(2, 3), at(0, 0)], [[1, 2], [3, 4], [5, 6], [7, 8], [0, 0]]);
    assert.deepEqual(tokens.tensor().dims, [1, 12, 2]);
  });
});
