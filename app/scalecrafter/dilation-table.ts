/**
 * Per-step controls of a ScaleCrafter schedule for a concrete UNet: which dilation every
 * candidate conv gets at every step, in the guided pass and in the noise-damped base pass.
 *
 * The reference walks `unet.named_modules()` and applies a setting only to modules it finds, so
 * names a UNet lacks are silently ignored (SDXL presets name down_blocks.3, up_blocks.3, D2's
 * downsampler and U2's upsampler). The same happens here, but the ignored names are reported.
 */
import {
  checkExplicitStepCount,
  checkSchedule,
  checkStepCount,
  isInWindow,
  scheduledDilation,
  stepWindow,
  type ConvDilation,
  type DilationSchedule,
  type DispersionSchedule,
  type ExplicitDilationSchedule,
  type ScaleCrafterSchedule,
  type WindowedDilationSchedule,
} from './schedule.js';
import type { ConvName } from './unet-convs.js';

export interface EffectiveConvSet<T> {
  /** Settings whose conv the UNet has, in the UNet's candidate order. */
  readonly effective: readonly T[];
  /** Names the settings list but the UNet lacks (in listing order). */
  readonly ignored: readonly ConvName[];
}

/**
 * The part of a dilation list a UNet actually has. A conv listed twice takes its last value,
 * as the reference's settings dict does.
 */
export function effectiveConvDilations(
  settings: readonly ConvDilation[],
  candidates: readonly ConvName[],
): EffectiveConvSet<ConvDilation> {
  const byName = new Map(settings.map((setting) => [setting.conv, setting.dilation]));
  const candidateSet = new Set(candidates);
  return {
    effective: candidates.flatMap((conv) => {
      const dilation = byName.get(conv);
      return dilation === undefined ? [] : [{ conv, dilation }];
    }),
    ignored: [...byName.keys()].filter((conv) => !candidateSet.has(conv)),
  };
}

/** The part of a conv list (e.g. dispersed convs) a UNet actually has. */
export function effectiveConvList(
  convs: readonly ConvName[],
  candidates: readonly ConvName[],
): EffectiveConvSet<ConvName> {
  const listed = new Set(convs);
  const candidateSet = new Set(candidates);
  return {
    effective: candidates.filter((conv) => listed.has(conv)),
    ignored: [...listed].filter((conv) => !candidateSet.has(conv)),
  };
}

/** The controls of one sampling step; arrays are aligned with the table's `convs`. */
export interface StepControls {
  readonly step: number;
  /** Requested dilation factor per conv in the guided pass; 1 = plain conv. */
  readonly main: readonly number[];
  /** Requested dilation per conv in the ND-CFG base pass; null = ND-CFG inactive (plain CFG). */
  readonly noiseDampedBase: readonly number[] | null;
  /**
   * Per conv: its kernel is dispersed at this step (in both passes, as in the reference). A
   * dispersed conv always runs through dispersedConvGeometry, even at dilation 1.
   */
  readonly dispersed: readonly boolean[];
}

export interface DilationTable {
  readonly steps: number;
  /** The UNet's candidate convs: the rows of the table. */
  readonly convs: readonly ConvName[];
  /** Listed convs that the UNet lacks, per part of the schedule. */
  readonly ignored: {
    readonly redilation: readonly ConvName[];
    readonly noiseDampedGuidance: readonly ConvName[];
    readonly dispersion: readonly ConvName[];
  };
  readonly perStep: readonly StepControls[];
}

interface EffectiveBase {
  readonly base: readonly number[];
  readonly ignored: readonly ConvName[];
}

/** Per candidate conv, its base dilation in a pass (1 where the pass does not list it). */
function baseDilations(schedule: { readonly kind: 'off' } | WindowedDilationSchedule, candidates: readonly ConvName[]): EffectiveBase {
  if (schedule.kind === 'off') return { base: candidates.map(() => 1), ignored: [] };
  const { effective, ignored } = effectiveConvDilations(schedule.convs, candidates);
  const byName = new Map(effective.map((setting) => [setting.conv, setting.dilation]));
  return { base: candidates.map((conv) => byName.get(conv) ?? 1), ignored };
}

function passDilations(schedule: WindowedDilationSchedule, base: readonly number[], step: number, steps: number): number[] {
  // A conv the pass does not list, or lists at 1, stays plain. (Deviation: the reference's
  // progressive floor would raise a listed 1 to 2; no reference settings file lists 1.)
  return base.map((dilation) => (dilation === 1 ? 1 : scheduledDilation(schedule, dilation, step, steps)));
}

/** One pass over the run: its dilations per candidate conv at a step, or null where it does not run. */
interface PassPlan {
  readonly at: (step: number) => readonly number[] | null;
  readonly ignored: readonly ConvName[];
}

/** A painted pass read by candidate: convs it does not name stay plain. */
function explicitPlan(schedule: ExplicitDilationSchedule, candidates: readonly ConvName[], steps: number, what: string): PassPlan {
  checkExplicitStepCount(schedule.perStep.length, steps, what);
  const column = new Map(schedule.convs.map((conv, index) => [conv, index]));
  const candidateSet = new Set(candidates);
  return {
    at: (step) => {
      const row = schedule.perStep[step]!;
      return row === null ? null : candidates.map((conv) => row[column.get(conv) ?? -1] ?? 1);
    },
    ignored: schedule.convs.filter((conv) => !candidateSet.has(conv)),
  };
}

function windowedPlan(schedule: { readonly kind: 'off' } | WindowedDilationSchedule, candidates: readonly ConvName[], steps: number): PassPlan {
  const { base, ignored } = baseDilations(schedule, candidates);
  if (schedule.kind === 'off') return { at: () => null, ignored };
  const window = stepWindow(schedule.steps, steps);
  return { at: (step) => (isInWindow(window, step) ? passDilations(schedule, base, step, steps) : null), ignored };
}

function passPlan(schedule: DilationSchedule, candidates: readonly ConvName[], steps: number, what: string): PassPlan {
  return schedule.kind === 'explicit' ? explicitPlan(schedule, candidates, steps, what) : windowedPlan(schedule, candidates, steps);
}

interface DispersionPlan {
  readonly at: (step: number) => readonly boolean[];
  readonly ignored: readonly ConvName[];
}

function dispersionPlan(dispersion: DispersionSchedule, candidates: readonly ConvName[], steps: number): DispersionPlan {
  if (dispersion.kind === 'off') return { at: () => candidates.map(() => false), ignored: [] };
  const { effective, ignored } = effectiveConvList(dispersion.convs, candidates);
  if (dispersion.kind === 'explicit') {
    checkExplicitStepCount(dispersion.perStep.length, steps, 'the painted dispersion');
    const column = new Map(dispersion.convs.map((conv, index) => [conv, index]));
    return { at: (step) => candidates.map((conv) => dispersion.perStep[step]![column.get(conv) ?? -1] ?? false), ignored };
  }
  const window = stepWindow(dispersion.steps, steps);
  const convs = new Set(effective);
  return { at: (step) => candidates.map((conv) => isInWindow(window, step) && convs.has(conv)), ignored };
}

/** The dilation of every candidate conv at every step, for both passes, plus dispersion flags. */
export function dilationTable(
  schedule: ScaleCrafterSchedule,
  candidates: readonly ConvName[],
  steps: number,
): DilationTable {
  checkSchedule(schedule);
  checkStepCount(steps);
  const main = passPlan(schedule.redilation, candidates, steps, 'the painted guided pass');
  const noiseDamped = passPlan(schedule.noiseDampedGuidance, candidates, steps, 'the painted ND-CFG pass');
  const dispersed = dispersionPlan(schedule.dispersion, candidates, steps);
  const plain = candidates.map(() => 1);

  const perStep: StepControls[] = [];
  for (let step = 0; step < steps; step++) {
    // The guided pass always runs; "not scheduled" there means plain convs.
    perStep.push({ step, main: [...(main.at(step) ?? plain)], noiseDampedBase: noiseDamped.at(step), dispersed: dispersed.at(step) });
  }
  return {
    steps,
    convs: [...candidates],
    ignored: { redilation: main.ignored, noiseDampedGuidance: noiseDamped.ignored, dispersion: dispersed.ignored },
    perStep,
  };
}
