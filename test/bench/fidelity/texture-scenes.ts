/**
 * Synthetic scenes for the texture-repetition score: what Direct-Inf draws (one connected object
 * whose inside is a small pattern tiled), one plain object, one object with stripes, and noise.
 */
import type { RgbImage } from '../../../bench/fidelity/image-ops.js';
import { addNoise, seededUniform, whiteCanvas } from './synthetic-scenes.js';

const YELLOW = [240, 190, 40];
const DARK = [60, 40, 20];

/**
 * A blob of yellow filling most of the canvas, covered by a `period`-px tile repeated in both
 * directions: two eyes and a mouth per tile, as a tiled face texture looks.
 */
export function tiledTexture(size: number, period: number, seed: number): RgbImage {
  const canvas = whiteCanvas(size);
  canvas.fill('disc', size / 2, size / 2, size * 0.46, YELLOW);
  const { data } = canvas.image;
  const feature = (x: number, y: number): boolean => {
    const u = x % period;
    const v = y % period;
    const eye = (cx: number) => (u - cx) ** 2 + (v - period * 0.35) ** 2 <= (period * 0.09) ** 2;
    const mouth = v >= period * 0.62 && v < period * 0.72 && u >= period * 0.25 && u < period * 0.75;
    return eye(period * 0.3) || eye(period * 0.7) || mouth;
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inside = (x + 0.5 - size / 2) ** 2 + (y + 0.5 - size / 2) ** 2 <= (size * 0.46) ** 2;
      if (inside && feature(x, y)) data.set(DARK, (y * size + x) * 3);
    }
  }
  return addNoise(canvas.image, 8, seed);
}

/** One yellow disc with two eyes and a mouth: a single face at the canvas size. */
export function singleFace(size: number, seed: number): RgbImage {
  const canvas = whiteCanvas(size);
  canvas.fill('disc', size / 2, size / 2, size * 0.4, YELLOW);
  canvas.fill('disc', size * 0.37, size * 0.4, size * 0.05, DARK);
  canvas.fill('disc', size * 0.63, size * 0.4, size * 0.05, DARK);
  canvas.fill('square', size / 2, size * 0.62, size * 0.04, DARK);
  return addNoise(canvas.image, 8, seed);
}

/** One orange disc crossed by dark stripes `period` px apart at `angle` radians: a tiger's fur. */
export function stripedObject(size: number, period: number, angle: number, seed: number): RgbImage {
  const canvas = whiteCanvas(size);
  canvas.fill('disc', size / 2, size / 2, size * 0.4, [240, 140, 30]);
  const { data } = canvas.image;
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inside = (x + 0.5 - size / 2) ** 2 + (y + 0.5 - size / 2) ** 2 <= (size * 0.4) ** 2;
      const phase = (((x * c + y * s) % period) + period) % period;
      if (inside && phase < period * 0.35) data.set(DARK, (y * size + x) * 3);
    }
  }
  return addNoise(canvas.image, 8, seed);
}

/** Independent uniform grey levels per pixel. */
export function noiseImage(size: number, seed: number): RgbImage {
  const uniform = seededUniform(seed);
  const data = new Uint8Array(size * size * 3);
  for (let p = 0; p < size * size; p++) data.fill(Math.floor(uniform() * 256), p * 3, p * 3 + 3);
  return { width: size, height: size, data };
}
