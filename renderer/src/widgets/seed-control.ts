/**
 * The seed widget's after-queue control, as ComfyUI's "control_after_generate": once a prompt has
 * been queued with the current seed, the widget moves on so the next queue samples something new
 * (randomize), the next seed (increment/decrement), or the same image again (fixed).
 */
import { MAX_SEED, type SeedControl } from '../../../app/protocol/index.js';

/** `random` returns a float in [0, 1), like Math.random (injected so tests are deterministic). */
export function seedAfterQueue(seed: number, control: SeedControl, random: () => number = Math.random): number {
  switch (control) {
    case 'fixed':
      return seed;
    case 'increment':
      // Clamped at the ends, as ComfyUI's control does, rather than wrapping to the other end.
      return Math.min(seed + 1, MAX_SEED);
    case 'decrement':
      return Math.max(seed - 1, 0);
    case 'randomize':
      // Two draws, because one double carries only 53 random bits and MAX_SEED is 2^53 − 1 anyway;
      // the high/low split keeps every seed reachable without relying on the generator's low bits.
      return (Math.floor(random() * 2 ** 21) * 2 ** 32 + Math.floor(random() * 2 ** 32)) % (MAX_SEED + 1);
  }
}
