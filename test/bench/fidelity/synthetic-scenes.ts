/**
 * Synthetic emoji-like test images: k filled discs or squares of random non-white colours at
 * separate positions on a white background, with mild per-pixel noise, so the true object count
 * is known.
 */
import type { RgbImage } from '../../../bench/fidelity/image-ops.js';

/** mulberry32: uniform [0, 1) from a 32-bit seed. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Shape = 'disc' | 'square';

export interface Canvas {
  readonly image: RgbImage & { readonly data: Uint8Array };
  fill(shape: Shape, centreX: number, centreY: number, radius: number, colour: readonly number[]): void;
}

export function whiteCanvas(width: number, height = width): Canvas {
  const data = new Uint8Array(width * height * 3).fill(255);
  return {
    image: { width, height, data },
    fill(shape, cx, cy, radius, colour) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const dx = x + 0.5 - cx;
          const dy = y + 0.5 - cy;
          const inside = shape === 'disc' ? dx * dx + dy * dy <= radius * radius : Math.abs(dx) <= radius && Math.abs(dy) <= radius;
          if (inside) data.set(colour, (y * width + x) * 3);
        }
      }
    },
  };
}

/** Adds uniform integer noise in [−amplitude, amplitude] to every sample, clamped to 0…255. */
export function addNoise(image: RgbImage, amplitude: number, seed: number): RgbImage {
  const uniform = seededUniform(seed);
  const data = image.data.map((v) => Math.min(255, Math.max(0, v + Math.round((2 * uniform() - 1) * amplitude))));
  return { ...image, data };
}

/**
 * k objects, one per cell of a ⌈√k⌉-column grid, each with a random shape, colour (every channel
 * ≤ 200, so ≥ 55 from white) and a jittered position that keeps ≥ 2 px of white between cells.
 */
export function scene(size: number, k: number, seed: number, noise = 8): RgbImage {
  const uniform = seededUniform(seed);
  const canvas = whiteCanvas(size);
  const columns = Math.ceil(Math.sqrt(k));
  const cell = size / columns;
  for (let i = 0; i < k; i++) {
    const radius = cell * (0.2 + 0.1 * uniform());
    const slack = cell / 2 - radius - 2;
    const cx = (i % columns + 0.5) * cell + (2 * uniform() - 1) * slack;
    const cy = (Math.floor(i / columns) + 0.5) * cell + (2 * uniform() - 1) * slack;
    const colour = [0, 1, 2].map(() => Math.floor(uniform() * 201));
    canvas.fill(uniform() < 0.5 ? 'disc' : 'square', cx, cy, radius, colour);
  }
  return addNoise(canvas.image, noise, seed + 1);
}
