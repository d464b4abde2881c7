/**
 * ScaleCrafter's SD 1.5 reference rule, scaled to the emoji model's UNet (three resolution levels,
 * trained at 32² pixels). The fidelity benchmark measures it and the example workflows ship it.
 *
 * SD 1.5 has four resolution levels (down_blocks.0–3 / up_blocks.3–0) and the reference never re-dilates the
 * finest one (down_blocks.0, up_blocks.3); the emoji UNet has three. Levels are matched from the
 * bottom, where the receptive field matters: our down_blocks.2 / up_blocks.0 (8² at 32² pixels) take
 * SD's down_blocks.3 / up_blocks.0 (8² at 512²), our down_blocks.1 / up_blocks.1 take SD's
 * down_blocks.2 / up_blocks.1, and our finest level stays plain, as SD's does.
 *   4×  (SD 1.5 1024²): every dilated block at 2, tau 30/50, not progressive. The reference has no
 *       ND-CFG below 2048²; for the ND-CFG column the base pass dilates the bottom level only.
 *   16× (SD 1.5 2048²): level 1 at 3, level 2 and the mid block at 4, tau 35/50, progressive.
 *       SD's ND-CFG base drops its outermost dilated level; ours keeps the bottom level and the mid block.
 * Dispersion uses the reference's sd1.5_2048x2048 dispersion list moved the same way (its configs
 * leave it off: inflate_tau = 0), active over the re-dilation's steps.
 */
export interface ScaledRule {
  dilation: string;
  tau: number;
  progressive: boolean;
  noiseDampedBase: string;
}

export const DISPERSED_CONVS = ['down_blocks.1.downsamplers.0.conv', 'down_blocks.2', 'mid_block', 'up_blocks.0', 'up_blocks.1'].join('\n');

/** The rule for an output of `pixelRatio` × the training pixel count: the reference preset with the nearest pixel count. */
export function scaledRule(pixelRatio: number): ScaledRule {
  if (pixelRatio < 2) throw new Error(`a ${pixelRatio}× pixel count is the training size: nothing to re-dilate`);
  // Presets at 4× (1024²), 6.25× (1280²) and 16× (2048²); SD 1.5's 2048×1024 (8×) uses the 16× lists.
  if (pixelRatio < 8) {
    const factor = pixelRatio < 5.125 ? 2 : 2.5;
    const dilated = (blocks: string[]) => blocks.map((block) => `${block}:${factor}`).join('\n');
    return {
      dilation: dilated(['down_blocks.1', 'down_blocks.2', 'mid_block', 'up_blocks.0', 'up_blocks.1']),
      tau: pixelRatio < 5.125 ? 0.6 : 0.7,
      progressive: false,
      noiseDampedBase: dilated(['down_blocks.2', 'mid_block', 'up_blocks.0']),
    };
  }
  return {
    dilation: ['down_blocks.1:3', 'down_blocks.2:4', 'mid_block:4', 'up_blocks.0:4', 'up_blocks.1:3'].join('\n'),
    tau: 0.7,
    progressive: true,
    noiseDampedBase: ['down_blocks.2:4', 'mid_block:4', 'up_blocks.0:4'].join('\n'),
  };
}

