/**
 * ScaleCrafter and FreeU as MODEL → MODEL patches, in the manner of ComfyUI's model patches: plain
 * data appended to the MODEL handle by the patch nodes, turned into per-step UNet controls by the
 * Sampler. Nothing here holds state between runs, so patch nodes cache like any other node.
 */
import type { DilationSchedule, DispersionSchedule, ScaleCrafterSchedule } from './schedule.js';

export interface FreeUSettings {
  readonly b1: number;
  readonly b2: number;
  readonly s1: number;
  readonly s2: number;
}

export type ModelPatch =
  | { readonly kind: 'redilate'; readonly schedule: DilationSchedule }
  | { readonly kind: 'disperse'; readonly schedule: DispersionSchedule }
  | { readonly kind: 'noise_damped_cfg'; readonly schedule: DilationSchedule }
  | { readonly kind: 'freeu'; readonly settings: FreeUSettings }
  /** Attn-SF: self-attention logits × √(log N / log N_train), N_train from the training size. */
  | { readonly kind: 'attention_scale'; readonly trainWidth: number; readonly trainHeight: number };

export interface PatchedUnetSetup {
  readonly schedule: ScaleCrafterSchedule;
  readonly freeU: FreeUSettings | null;
  readonly attentionScale: { readonly trainWidth: number; readonly trainHeight: number } | null;
}

export const OFF_SCHEDULE: ScaleCrafterSchedule = { redilation: { kind: 'off' }, noiseDampedGuidance: { kind: 'off' }, dispersion: { kind: 'off' } };

/** Later patches of a kind replace earlier ones: the node nearest the Sampler wins, as in ComfyUI. */
export function setupFromPatches(patches: readonly ModelPatch[]): PatchedUnetSetup {
  let schedule = OFF_SCHEDULE;
  let freeU: FreeUSettings | null = null;
  let attentionScale: PatchedUnetSetup['attentionScale'] = null;
  for (const patch of patches) {
    switch (patch.kind) {
      case 'redilate':
        schedule = { ...schedule, redilation: patch.schedule };
        break;
      case 'disperse':
        schedule = { ...schedule, dispersion: patch.schedule };
        break;
      case 'noise_damped_cfg':
        schedule = { ...schedule, noiseDampedGuidance: patch.schedule };
        break;
      case 'freeu':
        freeU = patch.settings;
        break;
      case 'attention_scale':
        attentionScale = { trainWidth: patch.trainWidth, trainHeight: patch.trainHeight };
        break;
    }
  }
  return { schedule, freeU, attentionScale };
}

export function isActive(setup: PatchedUnetSetup): boolean {
  const { redilation, noiseDampedGuidance, dispersion } = setup.schedule;
  return redilation.kind !== 'off' || noiseDampedGuidance.kind !== 'off' || dispersion.kind !== 'off' || setup.freeU !== null || setup.attentionScale !== null;
}
