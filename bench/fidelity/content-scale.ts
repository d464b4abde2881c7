/**
 * Content scale: how many times the training-size picture's structure would fit across the canvas.
 * The failure ScaleCrafter addresses comes from the UNet's receptive field staying the size it was
 * trained at: run on a larger canvas, the model keeps drawing features (eyes, speckles, outlines) at
 * the training size and fills the extra room with more of them — whole copies, or on this project's
 * small model an aperiodic texture of one scale (docs/fidelity-metrics.md). Either way the image's
 * detail stays as many pixels wide as at the training size, so measured in cycles per image its
 * spatial frequencies grow with the canvas; a picture that is really drawn larger keeps them.
 *
 * Measure: the spectral median of the grey levels — the radial frequency, in cycles per image
 * (√(u² + v²) for u cycles across the width and v down the height), below which half the power
 * lies — divided by the same for the same prompt and seed at the training size. An exact k × k
 * tiling of the reference scores exactly k (every frequency is multiplied by k, the order of the
 * power is kept), a faithful enlargement about 1. Unlike the lattice score (./texture-repetition.ts)
 * it needs no periodicity, so it sees the aperiodic texture; unlike the object count it sees copies
 * that touch.
 *
 * Why the median and not the power-weighted mean: pixel noise puts a little power at every
 * frequency up to the canvas's Nyquist, so the mean of a noisy face drawn larger grew with the
 * canvas (1.24 at 64², 1.44 at 128²) while its median stayed at the face's. Why grey levels: the
 * colours carry little of the structure, and the texture-repetition score reads the same luma. No
 * high-pass: the outline of one large object is exactly the low-frequency power a correct
 * enlargement keeps.
 */
import { powerSpectrum } from './autocorrelation.js';
import { fidelityInputError, type RgbImage } from './image-ops.js';
import { greyLevels } from './texture-repetition.js';

/**
 * The radial frequency below which half the grey levels' power lies, in cycles per image; 0 for a
 * uniform image.
 */
export function spectralMedian(image: RgbImage): number {
  const { width, height } = image;
  const power = powerSpectrum(greyLevels(image), width, height);
  const bins: Array<{ radius: number; power: number }> = [];
  let total = 0;
  for (let v = 0; v < height; v++) {
    const fv = v > height / 2 ? v - height : v;
    for (let u = 0; u < width; u++) {
      const fu = u > width / 2 ? u - width : u;
      bins.push({ radius: Math.hypot(fu, fv), power: power[v * width + u]! });
      total += power[v * width + u]!;
    }
  }
  // Rounding leaves a uniform image a few ulps of power; that is no structure at all.
  if (total <= 1e-9 * width * height) return 0;
  bins.sort((a, b) => a.radius - b.radius);
  let below = 0;
  for (const bin of bins) {
    below += bin.power;
    if (below >= total / 2) return bin.radius;
  }
  return bins.at(-1)!.radius;
}

/**
 * The content-scale ratio of `image` against `reference` (the same prompt and seed at the training
 * size): about 1 when the picture was drawn larger, k when its structure stayed the reference's size
 * and fills the canvas k times per side. null when the reference has no structure to compare with.
 */
export function contentScaleRatio(image: RgbImage, reference: RgbImage): number | null {
  if (image.width / image.height !== reference.width / reference.height) {
    throw fidelityInputError('contentScaleRatio.reference', `is ${reference.width}×${reference.height}, not the shape of the ${image.width}×${image.height} image`);
  }
  const base = spectralMedian(reference);
  return base === 0 ? null : spectralMedian(image) / base;
}
