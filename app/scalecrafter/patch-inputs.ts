/**
 * What the ScaleCrafter patch nodes share: the step-range widgets, a layer list checked against the
 * connected UNet, and appending a patch to a MODEL without touching the original handle.
 */
import type { FieldProblem } from '../protocol/issues.js';
import type { ModelHandle } from '../diffusion/pipeline/values.js';
import { candidateConvsOf } from './prepared-unet-cache.js';
import { expandLayerSpec } from './layer-spec.js';
import type { ModelPatch } from './model-patches.js';
import type { ConvDilation, StepRange } from './schedule.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

export const stepRangeInputs = (defaultEnd: number) =>
  [
    { name: 'start', kind: 'FLOAT', default: 0, min: 0, max: 1, step: 0.01, tooltip: 'first step, as a fraction of the run (0 = the noisiest step)' },
    { name: 'end', kind: 'FLOAT', default: defaultEnd, min: 0, max: 1, step: 0.01, tooltip: 'tau: active while step / steps < end (the reference\'s tau / 50)' },
  ] as const;

export function stepRangeProblems(start: number | undefined, end: number | undefined): FieldProblem[] {
  return start !== undefined && end !== undefined && start > end ? [{ field: 'end', message: `end ${end} is before start ${start}`, hint: 'end must be ≥ start' }] : [];
}

export function stepRange(start: number, end: number): StepRange {
  return { start, end };
}

/** The layer list expanded against the UNet's candidate convs, or a UserFacingError on `field`. */
export async function layerDilations(model: ModelHandle, text: string, factor: number, field = 'layers'): Promise<ConvDilation[]> {
  const candidates = await candidateConvsOf(model.folder.unet);
  try {
    return expandLayerSpec(text, candidates, factor);
  } catch (error) {
    if (error instanceof UserFacingError) throw error.atField(field);
    throw error;
  }
}

export function withPatch(model: ModelHandle, patch: ModelPatch): ModelHandle {
  return { ...model, patches: [...model.patches, patch] };
}
