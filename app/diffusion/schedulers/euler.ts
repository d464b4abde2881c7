/**
 * Euler (Karras et al. 2022, Algorithm 2 with S_churn = 0; k-diffusion `sample_euler`), as diffusers'
 * EulerDiscreteScheduler. Latents are variance-exploding (x = x0 + σ·ε); the UNet sees x/sqrt(σ² + 1).
 *
 *   d = (x − D(x; σ)) / σ,   x_next = x + d · (σ_next − σ)
 *
 * The planning half is shared with Euler ancestral (same timesteps and σ's, final σ always 0).
 */
import type { SchedulerConfig } from './scheduler-config.js';
import type { PlannedStep } from './sampling-types.js';
import type { SamplerDescriptor, StepInput, StepUpdate } from './sampler-descriptor.js';
import { karrasSigmas, sigmaAtTimestep, timestepForSigma, type TrainingNoiseSchedule } from './training-schedule.js';
import { spacedTimesteps } from './timestep-spacing.js';
import { predictDenoised } from './denoised-prediction.js';
import { diffusersOrComfySchedule, planFromSchedule, validateSchedule } from './sigma-plan.js';
import type { ScheduleName } from './sigma-schedules.js';

/** `karras` = diffusers' use_karras_sigmas; `schedule` = ComfyUI's σ's instead (sigma-plan.ts). */
export interface EulerSampler {
  readonly kind: 'euler';
  readonly karras?: boolean;
  readonly schedule?: ScheduleName;
}

export const EULER: SamplerDescriptor<EulerSampler> = {
  name: 'euler',
  label: 'Euler',
  comfyName: 'euler',
  parameterization: 'variance_exploding',
  fromWidgets: ({ schedule }) => ({ kind: 'euler', ...diffusersOrComfySchedule(schedule, true) }),
  validate: ({ schedule }) => {
    if (schedule !== undefined) validateSchedule(schedule);
  },
  stepNoiseDraws: () => 0,
  plan: (sampler, config, schedule, steps) => {
    if (sampler.schedule) return planFromSchedule(sampler.schedule, schedule, steps, { parameterization: 'variance_exploding' });
    const finalSigma = config.final_sigmas_type === 'zero' ? 0 : (schedule.sigmas[0] as number);
    return planEulerSteps(config, schedule, steps, { karras: sampler.karras ?? false, finalSigma });
  },
  step: (_sampler, input) => eulerStep(input),
};

export interface EulerPlanOptions {
  readonly karras: boolean;
  /** σ after the last step. */
  readonly finalSigma: number;
}

/** diffusers EulerDiscreteScheduler.set_timesteps (interpolation_type "linear"). */
export function planEulerSteps(
  config: SchedulerConfig,
  schedule: TrainingNoiseSchedule,
  steps: number,
  options: EulerPlanOptions,
): { steps: PlannedStep[]; initNoiseSigma: number } {
  const spacing = config.timestep_spacing ?? 'linspace';
  // diffusers keeps these timesteps as float32 (linspace ones are fractional); the σ's are
  // interpolated at the float32 values, and that is what the UNet receives.
  let timesteps = spacedTimesteps(config, spacing, steps).map(Math.fround);
  let sigmas = timesteps.map((t) => sigmaAtTimestep(schedule, t));
  if (options.karras) {
    // The ramp runs between the first and last *planned* σ (not the table's ends).
    sigmas = karrasSigmas(sigmas[sigmas.length - 1] as number, sigmas[0] as number, steps);
    timesteps = sigmas.map((sigma) => Math.fround(timestepForSigma(schedule, sigma)));
  }
  const planned = timesteps.map((timestep, index) => {
    const sigma = sigmas[index] as number;
    const sigmaNext = index + 1 < sigmas.length ? (sigmas[index + 1] as number) : options.finalSigma;
    return { index, timestep, sigma, sigmaNext, inputScale: 1 / Math.sqrt(sigma * sigma + 1) };
  });
  const maxSigma = Math.max(options.finalSigma, ...sigmas);
  // diffusers `init_noise_sigma`: σ_max for linspace/trailing, sqrt(σ_max² + 1) for leading.
  const initNoiseSigma = spacing === 'leading' ? Math.sqrt(maxSigma * maxSigma + 1) : maxSigma;
  return { steps: planned, initNoiseSigma };
}

function eulerStep({ plan, state, step, modelOutput }: StepInput): StepUpdate {
  const x = state.sample;
  const denoised = predictDenoised(plan.config.prediction_type, 'variance_exploding', step.sigma, x, modelOutput);
  const dt = step.sigmaNext - step.sigma;
  const next = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const derivative = (xi - (denoised[i] as number)) / step.sigma;
    next[i] = xi + derivative * dt;
  }
  return { sample: next, denoised };
}
