/**
 * The one owner of a ScaleCrafter-prepared UNet (docs/scalecrafter-controls.md): the prepared model
 * file, the layouts its rewrites recorded, and the feeds of every call. The Sampler asks it for a
 * run's per-step feeds and knows nothing of input names, conv order or how FreeU and Attn-SF are fed.
 */
import type { StepFeedsAt } from '../diffusion/pipeline/sample-latents.js';
import type { HostTensor } from '../runtime/host-tensor.js';
import { dilationTable, type DilationTable } from './dilation-table.js';
import type { PatchedUnetSetup } from './model-patches.js';
import { ATTENTION_SCALE_REWRITE, attentionScaleFeeds, attentionScaleOffFeeds } from './prepare/attention-scale-controls.js';
import { checkDispersionFits, stepControlFeeds } from './prepare/controls.js';
import { FREEU_REWRITE, freeUFeeds } from './prepare/freeu-controls.js';
import { convControlsRewrite } from './prepare/prepare-unet.js';
import type { DispersionTransformParams } from './dispersion-transform.js';
import type { RewrittenUnet } from './prepare/unet-rewrite.js';

/** The app's preparation: every control, conv controls first. */
export function scaleCrafterRewrites(dispersion: DispersionTransformParams) {
  return [convControlsRewrite(dispersion), FREEU_REWRITE, ATTENTION_SCALE_REWRITE] as const;
}

export type ScaleCrafterLayouts = RewrittenUnet<ReturnType<typeof scaleCrafterRewrites>>['layouts'];

/** The size of a run, for the controls that depend on it (Attn-SF's token counts). */
export interface RunSize {
  /** the latent's [B, C, h, w] */
  readonly latentDims: readonly number[];
  /** image pixels per latent pixel (8 for SD, 1 for a pixel-space model): Attn-SF's training size is in image pixels */
  readonly vaeScaleFactor: number;
}

export class PreparedUnet {
  readonly modelPath: string;
  readonly #layouts: ScaleCrafterLayouts;

  constructor(modelPath: string, layouts: ScaleCrafterLayouts) {
    this.modelPath = modelPath;
    this.#layouts = layouts;
  }

  /** The prepared convs' module paths, in control order. */
  get convs(): readonly string[] {
    return this.#layouts[0].convs;
  }

  /**
   * The feeds of every step of one run. The dilation table is computed once per step count; FreeU
   * and Attn-SF hold for the whole run and are always fed (factor 1 = off). A conditioning area's
   * crop gets the same dilations (they do not depend on the size: each conv pads by its dilation)
   * and Attn-SF's factors for its own token count.
   */
  controlsFor(setup: PatchedUnetSetup, run: RunSize): StepFeedsAt {
    const [convs] = this.#layouts;
    checkDispersionFits(convs, setup.schedule.dispersion);
    const freeU = freeUFeeds(setup.freeU);
    const [, , runHeight, runWidth] = run.latentDims as [number, number, number, number];
    const attentionBySize = new Map<string, Record<string, HostTensor>>();
    const constantFor = (height: number, width: number) => {
      const key = `${height}x${width}`;
      if (!attentionBySize.has(key)) attentionBySize.set(key, this.#attentionFeeds(setup, height, width, run.vaeScaleFactor));
      return { ...freeU, ...attentionBySize.get(key)! };
    };
    let table: DilationTable | undefined;
    return (stepIndex, totalSteps, latentSize) => {
      if (table?.steps !== totalSteps) table = dilationTable(setup.schedule, convs.convs, totalSteps);
      const constant = constantFor(latentSize?.height ?? runHeight, latentSize?.width ?? runWidth);
      const main = { ...stepControlFeeds(convs, table, stepIndex, 'main'), ...constant };
      const base = table.perStep[stepIndex]!.noiseDampedBase === null ? null : { ...stepControlFeeds(convs, table, stepIndex, 'noiseDampedBase'), ...constant };
      return { main, base };
    };
  }

  #attentionFeeds(setup: PatchedUnetSetup, latentHeight: number, latentWidth: number, vaeScaleFactor: number): Record<string, HostTensor> {
    const attention = this.#layouts[2];
    if (!setup.attentionScale) return attentionScaleOffFeeds(attention);
    const { trainHeight, trainWidth } = setup.attentionScale;
    return attentionScaleFeeds(attention, latentHeight, latentWidth, trainHeight / vaeScaleFactor, trainWidth / vaeScaleFactor);
  }
}
