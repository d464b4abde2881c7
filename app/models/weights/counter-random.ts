/**
 * A counter-based random stream made of 32-bit integer arithmetic only, so every JS engine on every
 * machine produces the same bits (no Math.random, no transcendental functions whose last ulp may
 * differ between engines).
 *
 * Algorithm (pinned by a golden test that re-implements it with BigInt):
 *   nameHash  = FNV-1a 32 (offset 2166136261, prime 16777619) over the UTF-8 bytes of `label`
 *   key       = fmix32(nameHash XOR fmix32(seed))
 *   bits(i)   = fmix32((key + (i + 1) · 0x9E3779B9) mod 2^32)      (a Weyl sequence, as SplitMix uses)
 *   uniform(i) = (2 · (bits(i) >>> 8) + 1 − 2^24) / 2^24             (24 bits, symmetric in (−1, 1))
 * fmix32 is MurmurHash3's finalizer (Appleby): x ^= x>>>16; x *= 0x85EBCA6B; x ^= x>>>13;
 * x *= 0xC2B2AE35; x ^= x>>>16, all mod 2^32. Every step is exact in IEEE doubles, and 24-bit
 * uniforms are exactly representable in float32.
 */
const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const GOLDEN_GAMMA = 0x9e3779b9;
const TWO_POW_24 = 16777216;

export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of new TextEncoder().encode(text)) {
    hash = Math.imul(hash ^ byte, FNV_PRIME);
  }
  return hash >>> 0;
}

export function fmix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The stream key for one (seed, label) pair. */
export function streamKey(seed: number, label: string): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed ${seed} must be an integer in [0, 2^32)`);
  }
  return fmix32(fnv1a32(label) ^ fmix32(seed));
}

/** The i-th 32-bit output of the stream with this key. */
export function streamBits(key: number, index: number): number {
  return fmix32((key + Math.imul(index + 1, GOLDEN_GAMMA)) >>> 0);
}

/**
 * Fills `out` with uniform values in (−bound, bound): element i uses stream index i, so any slice
 * of a tensor can be regenerated on its own.
 */
export function fillUniform(out: Float32Array, key: number, bound: number): void {
  if (out.length > 0x100000000) throw new RangeError('a random stream has at most 2^32 elements');
  for (let i = 0; i < out.length; i++) {
    const top24 = streamBits(key, i) >>> 8;
    out[i] = ((2 * top24 + 1 - TWO_POW_24) / TWO_POW_24) * bound;
  }
}
