/**
 * FreeU's backbone (b) and skip (s) factors per model family, as the ScaleCrafter reference sets
 * them (docs/scalecrafter-method.md §4; FreeU's README values: SD1.4/1.5 b1 1.2, b2 1.4, s1 0.9, s2 0.2;
 * SD2.1 1.1, 1.2, 0.9, 0.2; SDXL 1.1, 1.2, 0.6, 0.4). The reference turns FreeU on by default;
 * here it is a patch the user adds (the FreeU node), and these are its widget defaults.
 *
 * The tiny default model (models/tiny-sd) has no published factors. It takes SD1.5's: it has
 * SD1.5's architecture at test size, and its two up-block channel counts stand in for SD1.5's
 * 1280 and 640 (freeu-controls.ts), so the same factors exercise the same code paths.
 */
import type { FreeUSettings } from './model-patches.js';
import type { ModelFamily } from './presets.js';

type FreeUFamily = ModelFamily | 'tiny';

/** b = 1 and s = 1: the backbone and skip features pass unchanged — FreeU off. */
export const FREEU_OFF: FreeUSettings = Object.freeze({ b1: 1, b2: 1, s1: 1, s2: 1 });

const SD15: FreeUSettings = Object.freeze({ b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2 });

export const FREEU_DEFAULTS: Readonly<Record<FreeUFamily, FreeUSettings>> = Object.freeze({
  'sd1.5': SD15,
  'sd2.1': Object.freeze({ b1: 1.1, b2: 1.2, s1: 0.9, s2: 0.2 }),
  sdxl: Object.freeze({ b1: 1.1, b2: 1.2, s1: 0.6, s2: 0.4 }),
  tiny: SD15,
});
