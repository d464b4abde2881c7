/**
 * ScaleCrafter schedules as plain data (docs/scalecrafter-method.md §1–§3) and the pure per-step rules.
 *
 * Step ranges are fractions of the run's step count so that one schedule serves any sampler and
 * step count. The reference gives taus out of its 50 DDIM steps (`dilate_tau: 35` = the first 35
 * of 50 steps); `referenceStepRange(35)` is the fraction 35/50 = 0.7.
 */
import type { DispersionTransformParams } from './dispersion-transform.js';
import type { ConvName } from './unet-convs.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

/** A requested re-dilation factor for one conv: float ≥ 1, fractional allowed, 1 = plain conv. */
export interface ConvDilation {
  readonly conv: ConvName;
  readonly dilation: number;
}

/**
 * Part of a run as fractions of its step count, 0 ≤ start ≤ end ≤ 1. Step i (0 = noisiest) is
 * inside iff stepIndex(start) ≤ i < stepIndex(end). The reference always starts at 0.
 */
export interface StepRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Dilation of a set of convs over a step range.
 * - constant: every listed conv uses its dilation on every step of the range.
 * - progressive: the reference's `progressive: true`; the dilation shrinks over the range
 *   (see progressiveDilation).
 */
export type WindowedDilationSchedule =
  | { readonly kind: 'constant'; readonly convs: readonly ConvDilation[]; readonly steps: StepRange }
  | { readonly kind: 'progressive'; readonly convs: readonly ConvDilation[]; readonly steps: StepRange };

/**
 * Painted cell by cell (the PaintedSchedule node): perStep[step][i] is the dilation of convs[i].
 * A null step is one where the pass does not run (the ND-CFG base pass only). Being per step, it
 * fits exactly one step count: perStep.length.
 */
export interface ExplicitDilationSchedule {
  readonly kind: 'explicit';
  readonly convs: readonly ConvName[];
  readonly perStep: readonly (readonly number[] | null)[];
}

export type DilationSchedule = { readonly kind: 'off' } | WindowedDilationSchedule | ExplicitDilationSchedule;

/** Dispersed convolution (§3): these convs' kernels are replaced by R·W over the step range. */
export type DispersionSchedule =
  | { readonly kind: 'off' }
  | {
      readonly kind: 'dispersed';
      readonly convs: readonly ConvName[];
      readonly transform: DispersionTransformParams;
      readonly steps: StepRange;
    }
  /** Painted: perStep[step][i] says whether convs[i] is dispersed at that step. */
  | {
      readonly kind: 'explicit';
      readonly convs: readonly ConvName[];
      readonly transform: DispersionTransformParams;
      readonly perStep: readonly (readonly boolean[])[];
    };

/** Everything ScaleCrafter changes in a sampling run. */
export interface ScaleCrafterSchedule {
  /** Re-dilation of the guided pass (both halves of the CFG batch). */
  readonly redilation: DilationSchedule;
  /**
   * Noise-damped CFG (§2): over its step range a third UNet evaluation with these (milder)
   * dilations gives the unconditional base of the guidance; 'off' = plain CFG. An active
   * schedule with no convs uses the plain UNet as the base.
   */
  readonly noiseDampedGuidance: DilationSchedule;
  readonly dispersion: DispersionSchedule;
}

/** The step count the reference's taus refer to (its configs' num_inference_steps). */
export const REFERENCE_STEP_COUNT = 50;

/** The range [0, tau/referenceSteps): a reference tau as a fraction of the run. */
export function referenceStepRange(tau: number, referenceSteps: number = REFERENCE_STEP_COUNT): StepRange {
  if (!Number.isInteger(tau) || tau < 0 || tau > referenceSteps) {
    throw new UserFacingError(`tau ${tau} must be an integer step count between 0 and ${referenceSteps}`);
  }
  return { start: 0, end: tau / referenceSteps };
}

// Absorbs the binary representation error of fractions such as 0.7 (35/50) so that a fraction
// meant to land exactly on a half step rounds up consistently.
const FRACTION_TOLERANCE = 1e-9;

/**
 * The step index a fraction of an N-step run falls on: ⌊fraction·N + ½⌋, halves rounding up.
 * Reproduces the reference exactly at 50 steps (35/50 → 35); at 25 steps tau 35 → 17.5 → 18,
 * tau 37 → 18.5 → 19; at 30 steps tau 35 → 21, tau 37 → 22.2 → 22.
 */
export function stepIndex(fraction: number, steps: number): number {
  return Math.floor(fraction * steps + 0.5 + FRACTION_TOLERANCE);
}

export function checkStepCount(steps: number): void {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new UserFacingError(`the step count must be a positive integer, got ${steps}`);
  }
}

export function checkStepRange(range: StepRange, what: string): void {
  const { start, end } = range;
  if (!(start >= 0 && start <= end && end <= 1)) {
    throw new UserFacingError(
      `${what}: step range [${start}, ${end}) must satisfy 0 ≤ start ≤ end ≤ 1 (fractions of the steps)`,
    );
  }
}

/** Integer step window [first, end) of a range in an N-step run. */
export interface StepWindow {
  readonly first: number;
  readonly end: number;
}

export function stepWindow(range: StepRange, steps: number): StepWindow {
  checkStepCount(steps);
  return { first: stepIndex(range.start, steps), end: stepIndex(range.end, steps) };
}

export function isInWindow(window: StepWindow, step: number): boolean {
  return step >= window.first && step < window.end;
}

/**
 * The reference's progressive rule, d_i = max(ceil(d·((τ − i)/τ)), 2), with i counted from the
 * window's first step and τ the window's length. Evaluated in the reference's operation order
 * (text2image.py: `max(math.ceil(dilate * ((dilate_tau - i) / dilate_tau)), 2)`) so that IEEE
 * doubles give the reference's integers. τ = 35, d = 4: steps 0–8 → 4, 9–17 → 3, 18–34 → 2.
 */
export function progressiveDilation(baseDilation: number, stepInWindow: number, windowLength: number): number {
  return Math.max(Math.ceil(baseDilation * ((windowLength - stepInWindow) / windowLength)), 2);
}

/**
 * The dilation a schedule gives one of its convs at a step (1 = off). Outside the window every
 * conv is plain, as the reference's `activate=i < tau`.
 */
export function scheduledDilation(
  schedule: { readonly kind: 'off' } | WindowedDilationSchedule,
  baseDilation: number,
  step: number,
  steps: number,
): number {
  if (schedule.kind === 'off') return 1;
  const window = stepWindow(schedule.steps, steps);
  if (!isInWindow(window, step)) return 1;
  if (schedule.kind === 'constant') return baseDilation;
  return progressiveDilation(baseDilation, step - window.first, window.end - window.first);
}

/** Checks a schedule's ranges and dilations; throws UserFacingError naming the offending field. */
export function checkSchedule(schedule: ScaleCrafterSchedule): void {
  const passes = [
    ['redilation', schedule.redilation],
    ['noiseDampedGuidance', schedule.noiseDampedGuidance],
  ] as const;
  for (const [field, pass] of passes) {
    if (pass.kind === 'off') continue;
    const dilations = pass.kind === 'explicit' ? explicitDilations(pass, field) : windowedDilations(pass, field);
    for (const { conv, dilation } of dilations) {
      if (!(Number.isFinite(dilation) && dilation >= 1)) {
        throw new UserFacingError(`${field}: dilation of ${conv} is ${dilation}; use a number ≥ 1 (1 = off)`);
      }
    }
  }
  const { dispersion } = schedule;
  if (dispersion.kind === 'dispersed') checkStepRange(dispersion.steps, 'dispersion');
  if (dispersion.kind === 'explicit' && dispersion.perStep.some((row) => row.length !== dispersion.convs.length)) {
    throw new UserFacingError(`dispersion: every step needs one flag per conv (${dispersion.convs.length})`);
  }
}

function windowedDilations(pass: WindowedDilationSchedule, field: string): readonly ConvDilation[] {
  checkStepRange(pass.steps, field);
  return pass.convs;
}

function explicitDilations(pass: ExplicitDilationSchedule, field: string): ConvDilation[] {
  return pass.perStep.flatMap((row, step) => {
    if (row === null) return [];
    if (row.length !== pass.convs.length) throw new UserFacingError(`${field}: step ${step} has ${row.length} dilations for ${pass.convs.length} convs`);
    return row.map((dilation, index) => ({ conv: pass.convs[index]!, dilation }));
  });
}

/** A per-step schedule fits one step count only; anything else would silently stretch what was painted. */
export function checkExplicitStepCount(painted: number, steps: number, what: string): void {
  if (painted !== steps) {
    throw new UserFacingError(`${what} is painted for ${painted} steps but the Sampler runs ${steps}`, {
      hint: `set the Sampler's steps to ${painted}, or paint the schedule again at ${steps} steps`,
      code: 'schedule.stepCount',
    });
  }
}
