import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fromFloat16, toFloat16 } from '../../app/runtime/float16.js';

// Expected bit patterns are the IEEE 754 binary16 examples (e.g. Wikipedia "Half-precision
// floating-point format"), not values produced by this code.
const KNOWN: Array<[number, number]> = [
  [0, 0x0000],
  [-0, 0x8000],
  [1, 0x3c00],
  [-2, 0xc000],
  [65504, 0x7bff], // largest finite
  [2 ** -14, 0x0400], // smallest normal
  [2 ** -24, 0x0001], // smallest subnormal
  [1023 * 2 ** -24, 0x03ff], // largest subnormal
  [1 + 2 ** -10, 0x3c01], // next after 1
  [Infinity, 0x7c00],
  [-Infinity, 0xfc00],
];

describe('float16 conversion', () => {
  test('exactly representable values map to their IEEE bit patterns and back', () => {
    const values = Float32Array.from(KNOWN.map(([value]) => value));
    assert.deepEqual([...toFloat16(values)], KNOWN.map(([, bits]) => bits));
    assert.deepEqual([...fromFloat16(Uint16Array.from(KNOWN.map(([, bits]) => bits)))], [...values]);
  });

  test('rounding is to nearest, ties to even', () => {
    const cases: Array<[number, number, string]> = [
      [1 / 3, 0x3555, '1/3 rounds down'],
      [0.1, 0x2e66, '0.1 rounds down'],
      [1 + 2 ** -11, 0x3c00, 'tie between 0x3C00 and 0x3C01 goes to even 0x3C00'],
      [1 + 3 * 2 ** -11, 0x3c02, 'tie between 0x3C01 and 0x3C02 goes to even 0x3C02'],
      [1 + 2 ** -11 + 2 ** -20, 0x3c01, 'just above a tie rounds up'],
      [65519, 0x7bff, 'below the overflow midpoint stays finite'],
      [65520, 0x7c00, 'midpoint between 65504 and 65536 rounds (to even) to Infinity'],
      [1e6, 0x7c00, 'overflow'],
      [2 ** -25, 0x0000, 'half the smallest subnormal: tie to even 0'],
      [1.5 * 2 ** -25, 0x0001, 'above that half rounds up to the smallest subnormal'],
      [3 * 2 ** -25, 0x0002, 'subnormal tie 1.5 ulp goes to even 2'],
      [2 ** -30, 0x0000, 'underflow to +0'],
      [-(2 ** -30), 0x8000, 'underflow keeps the sign'],
      [(2 ** -14) * (1 - 2 ** -12), 0x0400, 'rounding up from the largest subnormal reaches the smallest normal'],
    ];
    const bits = toFloat16(Float32Array.from(cases.map(([value]) => value)));
    cases.forEach(([, expected, why], index) => assert.equal(bits[index], expected, `${why}: got 0x${bits[index]!.toString(16)}`));
  });

  test('NaN stays NaN', () => {
    const [bits] = toFloat16(Float32Array.of(NaN));
    assert.equal(bits! & 0x7c00, 0x7c00);
    assert.notEqual(bits! & 0x03ff, 0);
    assert.ok(Number.isNaN(fromFloat16(Uint16Array.of(0x7e00))[0]));
  });

  test('every non-NaN float16 survives float16 -> float32 -> float16', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i).filter((bits) => (bits & 0x7c00) !== 0x7c00 || (bits & 0x3ff) === 0);
    assert.deepEqual(toFloat16(fromFloat16(all)), all);
  });

  test('conversion of a subarray view uses only its own elements', () => {
    const backing = Float32Array.of(7, 1, -2, 7);
    assert.deepEqual([...toFloat16(backing.subarray(1, 3))], [0x3c00, 0xc000]);
  });
});
