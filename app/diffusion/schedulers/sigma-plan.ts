/**
 * Planning from a ComfyUI scheduler's σ list (sigma-schedules.ts) instead of diffusers'
 * `set_timesteps`: what every k-diffusion sampler does, and what the diffusers-style samplers do
 * for the schedules diffusers lacks. The UNet is called as ComfyUI calls it: at the training
 * timestep nearest to σ (ModelSamplingDiscrete.timestep), with input x/sqrt(σ² + 1) for
 * variance-exploding latents.
 */
import type { SchedulerConfig } from './scheduler-config.js';
import type { LatentParameterization, PlannedStep } from './sampling-types.js';
import { nearestTimestep, SCHEDULE_NAMES, scheduleSigmas, type ScheduleName } from './sigma-schedules.js';
import { samplingArgumentError } from './scheduler-errors.js';
import { alphaAndNoiseScale } from './denoised-prediction.js';
import { trainingNoiseSchedule, type TrainingNoiseSchedule } from './training-schedule.js';

export interface SigmaPlanOptions {
  readonly parameterization: LatentParameterization;
  /**
   * ComfyUI's KSampler.calculate_sigmas for dpm_2, dpm_2_ancestral and uni_pc: plan N + 1 steps
   * and drop the last σ before 0 (their final second-order step would land on σ_min for nothing).
   */
  readonly discardPenultimateSigma?: boolean;
}

export function planFromSchedule(
  name: ScheduleName,
  schedule: TrainingNoiseSchedule,
  steps: number,
  options: SigmaPlanOptions,
): { steps: PlannedStep[]; initNoiseSigma: number } {
  let sigmas = scheduleSigmas(name, schedule, options.discardPenultimateSigma ? steps + 1 : steps);
  if (options.discardPenultimateSigma) sigmas = [...sigmas.slice(0, -2), ...sigmas.slice(-1)];
  const variancePreserving = options.parameterization === 'variance_preserving';
  const planned = sigmas.slice(0, -1).map((sigma, index) => ({
    index,
    timestep: nearestTimestep(schedule, sigma),
    sigma,
    sigmaNext: sigmas[index + 1] as number,
    inputScale: variancePreserving ? 1 : 1 / Math.sqrt(sigma * sigma + 1),
  }));
  const first = sigmas[0] as number;
  return { steps: planned, initNoiseSigma: startNoiseScale(schedule, first) * (variancePreserving ? alphaAndNoiseScale(first).alpha : 1) };
}

/**
 * KSAMPLER.sample's noise scale for a run starting at σ: sqrt(1 + σ²) when σ is the model's σ_max
 * ("max_denoise": the latent's own unit variance is then noise too), σ otherwise.
 */
function startNoiseScale(schedule: TrainingNoiseSchedule, sigma: number): number {
  const sigmaMax = schedule.sigmas[schedule.sigmas.length - 1] as number;
  const maxDenoise = Math.abs(sigma - sigmaMax) <= 1e-5 * Math.max(sigma, sigmaMax) || sigma > sigmaMax;
  return maxDenoise ? Math.sqrt(1 + sigma * sigma) : sigma;
}

const schedules = new WeakMap<SchedulerConfig, TrainingNoiseSchedule>();

/** The training schedule of a config, built once per config object (steps convert σ → t per evaluation). */
export function cachedTrainingSchedule(config: SchedulerConfig): TrainingNoiseSchedule {
  let schedule = schedules.get(config);
  if (schedule === undefined) {
    schedule = trainingNoiseSchedule(config);
    schedules.set(config, schedule);
  }
  return schedule;
}

/**
 * The scheduler widget for a sampler with diffusers-style planning (Euler, Euler ancestral, DDIM,
 * DPM++ 2M): "normal" keeps its own diffusers timesteps, as does "karras" where diffusers offers
 * use_karras_sigmas (`hasKarras`); any other scheduler plans from ComfyUI's σ list.
 */
export function diffusersOrComfySchedule(schedule: ScheduleName, hasKarras: boolean): { karras?: true; schedule?: ScheduleName } {
  if (schedule === 'normal') return {};
  if (schedule === 'karras' && hasKarras) return { karras: true };
  return { schedule };
}

/** Throws a UserFacingError unless `schedule` is one of ComfyUI's schedulers we plan (a workflow file may hold anything). */
export function validateSchedule(schedule: unknown): void {
  if (!(SCHEDULE_NAMES as readonly unknown[]).includes(schedule)) {
    throw samplingArgumentError('sampler.schedule', `unknown scheduler ${JSON.stringify(schedule)}`, `Use one of ${SCHEDULE_NAMES.join(', ')}`);
  }
}
