/**
 * Seeded unit-Gaussian noise that is identical on every platform and for any chunking of draws.
 *
 * Element i of (seed, stream) comes from Philox4x32-10 block ⌊i/4⌋ with key = the 64-bit seed and
 * counter = [block low, block high, stream low, stream high]. The block's four uint32 words become
 * uniforms u = (w + 0.5)/2^32 ∈ (0, 1), and Box–Muller turns (u0, u1) into elements 4b, 4b+1 and
 * (u2, u3) into 4b+2, 4b+3:  r = sqrt(−2 ln u_even), z = r·cos(2π u_odd), r·sin(2π u_odd).
 *
 * Determinism: Math.log/cos/sin are "implementation-approximated" in ECMAScript, but V8 (Node and
 * Electron alike) implements them with its ieee754 port of fdlibm, the same code on every CPU and
 * OS, so the float32 outputs match everywhere V8 runs. Seeds are 0 … 2^64 − 1 like ComfyUI's,
 * but the values differ from torch.randn's (a different generator), so a ComfyUI seed does not
 * reproduce a ComfyUI image.
 */
import { philox4x32 } from './philox.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

export type NoiseSeed = number | bigint;

export const MAX_NOISE_SEED = 0xffff_ffff_ffff_ffffn;

const TWO_POW_32 = 0x1_0000_0000;

function noiseSeedError(field: string, value: unknown): UserFacingError {
  return new UserFacingError(`${field} must be an integer from 0 to 18446744073709551615 (2^64 − 1), got ${String(value)}`, {
    field,
    hint: 'use a whole, non-negative number; above 2^53 pass a bigint',
  });
}

/** The 64-bit seed as two uint32 words [low, high]. */
export function seedWords(seed: NoiseSeed, field = 'seed'): [number, number] {
  let value: bigint;
  if (typeof seed === 'bigint') value = seed;
  else if (Number.isSafeInteger(seed)) value = BigInt(seed);
  else throw noiseSeedError(field, seed);
  if (value < 0n || value > MAX_NOISE_SEED) throw noiseSeedError(field, seed);
  return [Number(value & 0xffff_ffffn), Number(value >> 32n)];
}

/** `count` unit-Gaussian float32 values: elements 0 … count−1 of (seed, stream). */
export function gaussianNoise(seed: NoiseSeed, count: number, stream: NoiseSeed = 0): Float32Array {
  return new GaussianNoiseStream(seed, { stream }).next(count);
}

/**
 * A cursor over one (seed, stream) sequence: successive next() calls continue where the last one
 * stopped, so next(3) then next(5) equals gaussianNoise(seed, 8, stream). An ancestral sampler
 * draws its per-step noise from the same stream as the initial latent; `offset` lets a run resume.
 */
export class GaussianNoiseStream {
  private readonly key: [number, number];
  private readonly streamWords: [number, number];
  private position: number;

  constructor(seed: NoiseSeed, options: { readonly stream?: NoiseSeed; readonly offset?: number } = {}) {
    this.key = seedWords(seed);
    this.streamWords = seedWords(options.stream ?? 0, 'stream');
    const offset = options.offset ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`offset must be a non-negative safe integer, got ${offset}`);
    this.position = offset;
  }

  /** How many values this stream has produced so far (including the starting offset). */
  get offset(): number {
    return this.position;
  }

  next(count: number): Float32Array {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
    const values = new Float32Array(count);
    const words = new Uint32Array(4);
    const gaussians = new Float64Array(4);
    let written = 0;
    while (written < count) {
      const element = this.position + written;
      const block = Math.floor(element / 4);
      this.fillBlock(block, words, gaussians);
      for (let lane = element % 4; lane < 4 && written < count; lane++) values[written++] = gaussians[lane] as number;
    }
    this.position += count;
    return values;
  }

  private fillBlock(block: number, words: Uint32Array, gaussians: Float64Array): void {
    const counter: [number, number, number, number] = [block % TWO_POW_32, Math.floor(block / TWO_POW_32), this.streamWords[0], this.streamWords[1]];
    philox4x32(counter, this.key, words);
    for (let pair = 0; pair < 2; pair++) {
      const radiusUniform = ((words[2 * pair] as number) + 0.5) / TWO_POW_32;
      const angleUniform = ((words[2 * pair + 1] as number) + 0.5) / TWO_POW_32;
      const radius = Math.sqrt(-2 * Math.log(radiusUniform));
      const angle = 2 * Math.PI * angleUniform;
      gaussians[2 * pair] = radius * Math.cos(angle);
      gaussians[2 * pair + 1] = radius * Math.sin(angle);
    }
  }
}
