/**
 * planSampling: everything a sampling loop needs to know before calling the UNet, as a pure
 * function of (config, sampler, steps, denoise). Replaces diffusers' `set_timesteps` +
 * `init_noise_sigma` + img2img `get_timesteps` on a mutable scheduler object.
 */
import { validateSchedulerConfig, type SchedulerConfig } from './scheduler-config.js';
import type { Sampler, SamplingPlan } from './sampling-types.js';
import { trainingNoiseSchedule } from './training-schedule.js';
import { descriptorOf } from './sampler-registry.js';
import { samplingArgumentError } from './scheduler-errors.js';

/**
 * @param steps   N, the number of steps of the full schedule.
 * @param denoise img2img strength in (0, 1]: as diffusers' img2img `get_timesteps`, the run skips
 *                the first N − ⌊N·denoise⌋ steps of the N-step schedule (so fewer steps run, and
 *                the run starts from a partly noised image; see noisedLatents).
 */
/** diffusers img2img get_timesteps: init_timestep = min(int(N·strength), N); t_start = N − init_timestep. */
export function denoisedStepCount(steps: number, denoise: number): number {
  return Math.min(Math.trunc(steps * denoise), steps);
}

/** Why a denoise strength leaves no step of an N-step schedule to run; null when it leaves some. */
export function denoiseProblem(steps: number, denoise: number): { message: string; hint: string } | null {
  if (denoisedStepCount(steps, denoise) >= 1) return null;
  return { message: `${denoise} × ${steps} steps leaves no step to run`, hint: `raise denoise to at least ${(1 / steps).toFixed(3)} or use more steps` };
}

export function planSampling(config: SchedulerConfig, sampler: Sampler, steps: number, denoise = 1): SamplingPlan {
  validateSchedulerConfig(config);
  const descriptor = descriptorOf(sampler);
  descriptor.validate(sampler);
  if (!Number.isInteger(steps) || steps < 1) {
    throw samplingArgumentError('steps', `must be a positive integer, got ${steps}`, 'Typical values are 20–50');
  }
  if (!(denoise > 0 && denoise <= 1)) {
    throw samplingArgumentError('denoise', `must lie in (0, 1], got ${denoise}`, 'Use 1 for text-to-image, e.g. 0.5 for image-to-image');
  }
  const full = descriptor.plan(sampler, config, trainingNoiseSchedule(config), steps);
  const runSteps = denoisedStepCount(steps, denoise);
  const problem = denoiseProblem(steps, denoise);
  if (problem) throw samplingArgumentError('denoise', problem.message, problem.hint);
  const draws = descriptor.stepNoiseDraws(sampler);
  return {
    sampler,
    config,
    // ddim_uniform can lay out one step more than asked; per-step controls must reach every step.
    totalSteps: Math.max(steps, full.steps.length),
    denoise,
    steps: full.steps.slice(steps - runSteps),
    initNoiseSigma: full.initNoiseSigma,
    parameterization: descriptor.parameterization,
    needsStepNoise: draws > 0,
    stepNoiseDraws: draws,
  };
}

/**
 * KSamplerAdvanced's part of a schedule (ComfyUI comfy/samplers.py KSampler.sample with start_step,
 * last_step, force_full_denoise): the steps `start` … `end` − 1 of the full N-step plan. A part that
 * stops early ends at σ = 0 when `finish` is set (force_full_denoise), else keeps its leftover noise.
 * Null when no step is left to run: ComfyUI then returns the latent unchanged.
 */
export interface StepWindow {
  readonly start: number;
  readonly end: number;
  readonly finish: boolean;
}

export function planStepWindow(config: SchedulerConfig, sampler: Sampler, steps: number, window: StepWindow): SamplingPlan | null {
  const full = planSampling(config, sampler, steps, 1);
  const stopsEarly = window.end < full.steps.length;
  const kept = full.steps.slice(window.start, Math.min(window.end, full.steps.length));
  if (kept.length === 0) return null;
  const last = kept[kept.length - 1]!;
  return { ...full, steps: stopsEarly && window.finish ? [...kept.slice(0, -1), { ...last, sigmaNext: 0 }] : kept };
}
