/**
 * When a conditioning entry applies: ConditioningSetTimestepRange's start and end are fractions of
 * the denoising (0 = pure noise, 1 = clean), turned into noise levels as ComfyUI's
 * ModelSamplingDiscrete.percent_to_sigma does — σ at training timestep (1 − percent)·(T − 1),
 * interpolated in log σ — and an entry is active at a step whose σ lies between them
 * (comfy/samplers.py get_area_and_mult).
 */
import type { TrainingNoiseSchedule } from '../schedulers/training-schedule.js';
import type { Conditioning } from './values.js';

/** ComfyUI's percent_to_sigma: ∞ at 0 or below, 0 at 1 or above. */
export function percentToSigma(schedule: TrainingNoiseSchedule, percent: number): number {
  if (percent <= 0) return Infinity;
  if (percent >= 1) return 0;
  const timestep = (1 - percent) * (schedule.logSigmas.length - 1);
  const low = Math.floor(timestep);
  const high = Math.ceil(timestep);
  const weight = timestep - low;
  return Math.exp((1 - weight) * schedule.logSigmas[low]! + weight * schedule.logSigmas[high]!);
}

/** The entries that apply at noise level `sigma`; entries without a range always do. */
export function activeEntries<Entry extends Pick<Conditioning, 'timestepRange'>>(entries: readonly Entry[], sigma: number, schedule: TrainingNoiseSchedule): Entry[] {
  return entries.filter((entry) => {
    if (!entry.timestepRange) return true;
    return sigma <= percentToSigma(schedule, entry.timestepRange.start) && sigma >= percentToSigma(schedule, entry.timestepRange.end);
  });
}
