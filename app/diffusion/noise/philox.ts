/**
 * Philox4x32-10, the counter-based generator of Salmon et al. 2011 ("Parallel Random Numbers: As
 * Easy as 1, 2, 3", Random123). Output block i is a pure function of (key, counter), so any
 * element of a noise stream can be computed directly, on any platform, from 32-bit integer
 * arithmetic alone (Math.imul, xor, and exact double products of 16-bit halves).
 */

const MULTIPLIER_0 = 0xd2511f53;
const MULTIPLIER_1 = 0xcd9e8d57;
const WEYL_0 = 0x9e3779b9;
const WEYL_1 = 0xbb67ae85;
const ROUNDS = 10;

/** High 32 bits of the 64-bit product of two uint32s (the low half is Math.imul). */
function mulHigh(a: number, b: number): number {
  const aHigh = a >>> 16;
  const aLow = a & 0xffff;
  const bHigh = b >>> 16;
  const bLow = b & 0xffff;
  // a·b = aHigh·bHigh·2^32 + (aHigh·bLow + aLow·bHigh)·2^16 + aLow·bLow; every partial sum below
  // stays under 2^53, so the doubles are exact.
  const middle = aHigh * bLow + aLow * bHigh;
  const carry = Math.floor((middle * 0x10000 + aLow * bLow) / 0x100000000);
  return (aHigh * bHigh + carry) >>> 0;
}

/**
 * One Philox4x32-10 block. `counter` is 4 uint32 words, `key` 2; writes 4 uint32 words to `out`.
 * Key schedule as in Random123: the key is bumped by the Weyl constants before rounds 2 … 10.
 */
export function philox4x32(
  counter: readonly [number, number, number, number],
  key: readonly [number, number],
  out: Uint32Array,
): void {
  let [c0, c1, c2, c3] = counter;
  let [k0, k1] = key;
  for (let round = 0; round < ROUNDS; round++) {
    if (round > 0) {
      k0 = (k0 + WEYL_0) >>> 0;
      k1 = (k1 + WEYL_1) >>> 0;
    }
    const high0 = mulHigh(MULTIPLIER_0, c0);
    const low0 = Math.imul(MULTIPLIER_0, c0) >>> 0;
    const high1 = mulHigh(MULTIPLIER_1, c2);
    const low1 = Math.imul(MULTIPLIER_1, c2) >>> 0;
    c0 = (high1 ^ c1 ^ k0) >>> 0;
    c1 = low1;
    c2 = (high0 ^ c3 ^ k1) >>> 0;
    c3 = low0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}
