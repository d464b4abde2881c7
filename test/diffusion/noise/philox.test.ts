import { test } from 'node:test';
import assert from 'node:assert/strict';
import { philox4x32 } from '../../../app/diffusion/noise/philox.js';

/** Random123 `tests/kat_vectors`, the three "philox4x32 10" lines: counter[4] key[2] → output[4]. */
const KNOWN_ANSWERS: ReadonlyArray<[[number, number, number, number], [number, number], [number, number, number, number]]> = [
  [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
];

test('Philox4x32-10 reproduces the Random123 known-answer vectors', () => {
  for (const [counter, key, expected] of KNOWN_ANSWERS) {
    const out = new Uint32Array(4);
    philox4x32(counter, key, out);
    assert.deepEqual(Array.from(out), expected);
  }
});
