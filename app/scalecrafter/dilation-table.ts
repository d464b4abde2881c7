/**
 * Per-step controls of a ScaleCrafter schedule for a concrete UNet: which dilation every
 * candidate conv gets at every step, in the guided pass and in the noise-damped base pass.
 *
 * The reference walks `unet.named_modules()` and applies a setting only to modules it finds, so
 * names a UNet lacks are silently ignored (SDXL presets name down_blocks.3, up_blocks.3, D2's
 * downsampler and U2's upsampler). The same happens here, but the ignored names are reported.
 */
import {
  checkSchedule,
  checkStepCount,
  isInWindow,
  scheduledDilation,
  stepWindow,
  type ConvDilation,
  type DilationSchedule,
  type DispersionSchedule,
  type ScaleCrafterSchedule,
  type StepWindow,
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
function baseDilations(schedule: DilationSchedule, candidates: readonly ConvName[]): EffectiveBase {
  if (schedule.kind === 'off') return { base: candidates.map(() => 1), ignored: [] };
  const { effective, ignored } = effectiveConvDilations(schedule.convs, candidates);
  const byName = new Map(effective.map((setting) => [setting.conv, setting.dilation]));
  return { base: candidates.map((conv) => byName.get(conv) ?? 1), ignored };
}

function passDilations(schedule: DilationSchedule, base: readonly number[], step: number, steps: number): number[] {
  // A conv the pass does not list, or lists at 1, stays plain. (Deviation: the reference's
  // progressive floor would raise a listed 1 to 2; no reference settings file lists 1.)
  return base.map((dilation) => (dilation === 1 ? 1 : scheduledDilation(schedule, dilation, step, steps)));
}

interface DispersedConvs {
  readonly window: StepWindow | null;
  readonly convs: ReadonlySet<ConvName>;
  readonly ignored: readonly ConvName[];
}

function dispersedConvs(dispersion: DispersionSchedule, candidates: readonly ConvName[], steps: number): DispersedConvs {
  if (dispersion.kind === 'off') return { window: null, convs: new Set(), ignored: [] };
  const { effective, ignored } = effectiveConvList(dispersion.convs, candidates);
  return { window: stepWindow(dispersion.steps, steps), convs: new Set(effective), ignored };
}

/** The dilation of every candidate conv at every step, for both passes, plus dispersion flags. */
export function dilationTable(
  schedule: ScaleCrafterSchedule,
  candidates: readonly ConvName[],
  steps: number,
): DilationTable {
  checkSchedule(schedule);
  checkStepCount(steps);
  const main = baseDilations(schedule.redilation, candidates);
  const noiseDamped = baseDilations(schedule.noiseDampedGuidance, candidates);
  const ndcfg = schedule.noiseDampedGuidance;
  const ndcfgWindow = ndcfg.kind === 'off' ? null : stepWindow(ndcfg.steps, steps);

  const dispersed = dispersedConvs(schedule.dispersion, candidates, steps);

  const perStep: StepControls[] = [];
  for (let step = 0; step < steps; step++) {
    const dispersing = dispersed.window !== null && isInWindow(dispersed.window, step);
    perStep.push({
      step,
      main: passDilations(schedule.redilation, main.base, step, steps),
      noiseDampedBase:
        ndcfgWindow !== null && isInWindow(ndcfgWindow, step)
          ? passDilations(ndcfg, noiseDamped.base, step, steps)
          : null,
      dispersed: candidates.map((conv) => dispersing && dispersed.convs.has(conv)),
    });
  }
  return {
    steps,
    convs: [...candidates],
    ignored: { redilation: main.ignored, noiseDampedGuidance: noiseDamped.ignored, dispersion: dispersed.ignored },
    perStep,
  };
}
