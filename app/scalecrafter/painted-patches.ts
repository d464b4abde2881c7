/**
 * A painted schedule (app/protocol/painted-schedule.ts) as the three ScaleCrafter patches the
 * Sampler reads: the guided pass, the ND-CFG base pass and dispersion, each per step. The painted
 * node replaces all three, so what the Sampler feeds is exactly what was painted.
 */
import type { PaintedSchedule } from '../protocol/painted-schedule.js';
import { UserFacingError } from '../protocol/user-facing-error.js';
import type { DispersionTransformParams } from './dispersion-transform.js';
import type { ModelPatch } from './model-patches.js';
import type { DilationSchedule, DispersionSchedule } from './schedule.js';
import type { ConvName } from './unet-convs.js';

/** Painted rows must name this UNet's convs: they were painted on its map, so a stranger is a mistake. */
function checkConvs(painted: PaintedSchedule, candidates: readonly ConvName[]): void {
  const known = new Set(candidates);
  const named = [...Object.keys(painted.guided), ...Object.keys(painted.ndcfg?.convs ?? {}), ...Object.keys(painted.dispersed)];
  const stranger = named.find((conv) => !known.has(conv));
  if (stranger !== undefined) {
    throw new UserFacingError(`"${stranger}" is not a re-dilatable conv of this UNet`, { hint: 'paint the schedule on this model\'s heat map (the rows it shows are its convs)' });
  }
}

function explicitPass(rows: Readonly<Record<string, readonly number[]>>, steps: number, active: readonly boolean[] | null): DilationSchedule {
  const convs = Object.keys(rows);
  return {
    kind: 'explicit',
    convs,
    perStep: Array.from({ length: steps }, (_, step) => (active !== null && !active[step] ? null : convs.map((conv) => rows[conv]![step]!))),
  };
}

function explicitDispersion(painted: PaintedSchedule, transform: DispersionTransformParams): DispersionSchedule {
  const convs = Object.keys(painted.dispersed).filter((conv) => painted.dispersed[conv]!.some(Boolean));
  if (convs.length === 0) return { kind: 'off' };
  return { kind: 'explicit', convs, transform, perStep: Array.from({ length: painted.steps }, (_, step) => convs.map((conv) => painted.dispersed[conv]![step]!)) };
}

/** The patches of a painted schedule; null (nothing painted) turns every part off. */
export function paintedPatches(painted: PaintedSchedule | null, candidates: readonly ConvName[], transform: DispersionTransformParams): ModelPatch[] {
  if (painted === null) {
    return [{ kind: 'redilate', schedule: { kind: 'off' } }, { kind: 'noise_damped_cfg', schedule: { kind: 'off' } }, { kind: 'disperse', schedule: { kind: 'off' } }];
  }
  checkConvs(painted, candidates);
  return [
    { kind: 'redilate', schedule: explicitPass(painted.guided, painted.steps, null) },
    { kind: 'noise_damped_cfg', schedule: painted.ndcfg ? explicitPass(painted.ndcfg.convs, painted.steps, painted.ndcfg.active) : { kind: 'off' } },
    { kind: 'disperse', schedule: explicitDispersion(painted, transform) },
  ];
}
