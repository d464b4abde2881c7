/**
 * ComfyUI's schedulers (comfy/samplers.py SCHEDULER_HANDLERS): each turns a step count into the
 * descending σ's a k-diffusion sampler walks, ending at 0. They read the model's training σ table
 * (ModelSamplingDiscrete: σ_t for t = 0 … T − 1, σ_min = σ_0, σ_max = σ_{T−1}):
 *
 * - normal:       timesteps evenly spaced from t(σ_max) to t(σ_min), σ interpolated in ln σ, then 0.
 * - sgm_uniform:  as normal over N + 1 points, dropping the last one (σ_min), then 0.
 * - karras:       Karras et al. 2022 eq. 5 (ρ = 7) from σ_max to σ_min, then 0.
 * - exponential:  evenly spaced in ln σ from σ_max to σ_min, then 0.
 * - simple:       σ_table[T − 1 − ⌊i·T/N⌋] for i = 0 … N − 1, then 0.
 * - ddim_uniform: every ⌊T/N⌋-th table σ from t = 1 upwards, reversed, after a 0 (it may give N + 1 steps).
 * - beta:         t_i = rint(F⁻¹(1 − i/N) · (T − 1)) with F the Beta(0.6, 0.6) CDF (Lee et al. 2024,
 *                 arXiv:2407.12173), repeats dropped, σ_table[t_i], then 0 (it may give fewer steps).
 *
 * ComfyUI keeps the table in float32; here it is float64, so σ's agree to about 1e-7 relative.
 */
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import { karrasSigmas, type TrainingNoiseSchedule } from './training-schedule.js';
import { linspace, roundHalfEven } from './numpy-ranges.js';

export const SCHEDULE_NAMES = ['normal', 'karras', 'exponential', 'sgm_uniform', 'simple', 'ddim_uniform', 'beta'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

/** ComfyUI's beta scheduler's default shape (both parameters 0.6: steps crowd at both ends). */
const BETA_SHAPE = 0.6;

/** The σ's (descending, ending at 0) ComfyUI's `scheduler` gives for `steps` steps. */
export function scheduleSigmas(name: ScheduleName, schedule: TrainingNoiseSchedule, steps: number): number[] {
  const table = schedule.sigmas;
  const sigmaMin = table[0] as number;
  const sigmaMax = table[table.length - 1] as number;
  switch (name) {
    case 'normal':
      return [...evenTimestepSigmas(schedule, steps, false), 0];
    case 'sgm_uniform':
      return [...evenTimestepSigmas(schedule, steps, true), 0];
    case 'karras':
      return [...karrasSigmas(sigmaMin, sigmaMax, steps), 0];
    case 'exponential':
      return [...linspace(Math.log(sigmaMax), Math.log(sigmaMin), steps).map(Math.exp), 0];
    case 'simple':
      return [...simpleSigmas(table, steps), 0];
    case 'ddim_uniform':
      return ddimUniformSigmas(table, steps);
    case 'beta':
      return [...betaSigmas(table, steps), 0];
  }
}

/**
 * ModelSamplingDiscrete.timestep: the training timestep nearest to σ in ln σ (an integer; ComfyUI
 * gives the UNet this, also for σ's between table entries).
 */
export function nearestTimestep(schedule: TrainingNoiseSchedule, sigma: number): number {
  const logSigma = Math.log(sigma);
  let best = 0;
  for (let t = 1; t < schedule.logSigmas.length; t++) {
    if (Math.abs(logSigma - (schedule.logSigmas[t] as number)) < Math.abs(logSigma - (schedule.logSigmas[best] as number))) best = t;
  }
  return best;
}

/** ModelSamplingDiscrete.sigma: σ at a fractional timestep, interpolated linearly in ln σ. */
function sigmaAtFractionalTimestep(schedule: TrainingNoiseSchedule, timestep: number): number {
  const last = schedule.logSigmas.length - 1;
  const t = Math.min(Math.max(timestep, 0), last);
  const low = Math.floor(t);
  const weight = t - low;
  const high = Math.ceil(t);
  return Math.exp((1 - weight) * (schedule.logSigmas[low] as number) + weight * (schedule.logSigmas[high] as number));
}

/** normal_scheduler (sgm: over steps + 1 points without the last). SD's σ_min is never 0, so no extra step. */
function evenTimestepSigmas(schedule: TrainingNoiseSchedule, steps: number, sgm: boolean): number[] {
  const table = schedule.sigmas;
  const start = nearestTimestep(schedule, table[table.length - 1] as number);
  const end = nearestTimestep(schedule, table[0] as number);
  const timesteps = sgm ? linspace(start, end, steps + 1).slice(0, -1) : linspace(start, end, steps);
  return timesteps.map((t) => sigmaAtFractionalTimestep(schedule, t));
}

function simpleSigmas(table: Float64Array, steps: number): number[] {
  const stride = table.length / steps;
  return Array.from({ length: steps }, (_, i) => table[table.length - 1 - Math.trunc(i * stride)] as number);
}

function ddimUniformSigmas(table: Float64Array, steps: number): number[] {
  const stride = Math.max(Math.floor(table.length / steps), 1);
  const ascending = [0];
  for (let t = 1; t < table.length; t += stride) ascending.push(table[t] as number);
  return ascending.reverse();
}

function betaSigmas(table: Float64Array, steps: number): number[] {
  const last = table.length - 1;
  // numpy's linspace(0, 1, steps, endpoint=False) is i · (1/steps).
  const spacing = 1 / steps;
  const timesteps = Array.from({ length: steps }, (_, i) => roundHalfEven(betaQuantile(1 - i * spacing, BETA_SHAPE, BETA_SHAPE) * last));
  return timesteps.filter((t, i) => i === 0 || t !== timesteps[i - 1]).map((t) => table[t] as number);
}
