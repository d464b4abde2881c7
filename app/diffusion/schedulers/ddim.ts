/**
 * DDIM (Song et al. 2021, "Denoising Diffusion Implicit Models", eq. 12 and 16), as diffusers'
 * DDIMScheduler: `set_timesteps` for the plan, `step` for the update.
 *
 *   x_prev = sqrt(ᾱ_prev)·x0 + sqrt(1 − ᾱ_prev − σ_η²)·ε + σ_η·z,
 *   σ_η = η · sqrt((1 − ᾱ_prev)/(1 − ᾱ_t)) · sqrt(1 − ᾱ_t/ᾱ_prev),   z ~ N(0, I).
 *
 * diffusers quirk kept on purpose: the "previous" timestep is always t − T // N, whatever the
 * spacing (with trailing/linspace spacing it need not be the next planned timestep). Past the
 * last step ᾱ_prev is 1 (set_alpha_to_one) or ᾱ_0.
 */
import type { SchedulerConfig } from './scheduler-config.js';
import type { PlannedStep } from './sampling-types.js';
import type { SamplerDescriptor, StepInput, StepUpdate } from './sampler-descriptor.js';
import type { TrainingNoiseSchedule } from './training-schedule.js';
import { spacedTimesteps } from './timestep-spacing.js';
import { roundHalfEven } from './numpy-ranges.js';
import { predictDenoised, predictNoise } from './denoised-prediction.js';
import { diffusersOrComfySchedule, planFromSchedule, validateSchedule } from './sigma-plan.js';
import type { ScheduleName } from './sigma-schedules.js';
import { samplingArgumentError } from './scheduler-errors.js';

/** eta ∈ [0, 1]: 0 deterministic DDIM, 1 DDPM-like ancestral noise; `schedule`: ComfyUI's σ's (sigma-plan.ts). */
export interface DdimSampler {
  readonly kind: 'ddim';
  readonly eta: number;
  readonly schedule?: ScheduleName;
}

export const DDIM: SamplerDescriptor<DdimSampler> = {
  name: 'ddim',
  label: 'DDIM',
  // ComfyUI's "ddim" is deterministic DDIM, the Euler step of the probability-flow ODE (Karras et al.
  // 2022, §3): ours with eta 0, the widget's default.
  comfyName: 'ddim',
  parameterization: 'variance_preserving',
  fromWidgets: ({ eta, schedule }) => ({ kind: 'ddim', eta, ...diffusersOrComfySchedule(schedule, false) }),
  validate: ({ eta, schedule }) => {
    if (schedule !== undefined) validateSchedule(schedule);
    if (!(eta >= 0 && eta <= 1)) {
      throw samplingArgumentError('sampler.eta', `must lie in [0, 1], got ${eta}`, 'Use 0 for deterministic DDIM, 1 for DDPM-like sampling');
    }
  },
  stepNoiseDraws: ({ eta }) => (eta > 0 ? 1 : 0),
  plan: (sampler, config, schedule, steps) =>
    sampler.schedule
      ? planFromSchedule(sampler.schedule, schedule, steps, { parameterization: 'variance_preserving' })
      : { steps: planDdimSteps(config, schedule, steps), initNoiseSigma: 1 },
  step: ddimStep,
};

function planDdimSteps(config: SchedulerConfig, schedule: TrainingNoiseSchedule, steps: number): PlannedStep[] {
  const trainSteps = config.num_train_timesteps;
  if (steps > trainSteps) {
    throw samplingArgumentError('steps', `DDIM cannot take ${steps} steps with num_train_timesteps = ${trainSteps}`, `Use at most ${trainSteps} steps`);
  }
  const spacing = config.timestep_spacing ?? 'leading';
  const timesteps = spacedTimesteps(config, spacing, steps).map(roundHalfEven);
  const stride = Math.floor(trainSteps / steps);
  const finalSigma = config.set_alpha_to_one ? 0 : (schedule.sigmas[0] as number);
  return timesteps.map((timestep, index) => {
    const sigma = schedule.sigmas[timestep];
    if (sigma === undefined) {
      throw samplingArgumentError(
        'steps',
        `timestep ${timestep} (steps_offset ${config.steps_offset}, ${steps} steps) lies outside the ${trainSteps} training timesteps`,
        'Use fewer steps or a smaller steps_offset',
      );
    }
    const previous = timestep - stride;
    const sigmaNext = previous >= 0 ? (schedule.sigmas[previous] as number) : finalSigma;
    return { index, timestep, sigma, sigmaNext, inputScale: 1 };
  });
}

/** One DDIM update; `noise` (unit Gaussian, latent-sized) is required when eta > 0. */
function ddimStep({ eta }: DdimSampler, { plan, state, step, modelOutput, noise }: StepInput): StepUpdate {
  const { config } = plan;
  const x = state.sample;
  const rawDenoised = predictDenoised(config.prediction_type, 'variance_preserving', step.sigma, x, modelOutput);
  // diffusers derives ε before clipping x0, and (use_clipped_model_output = false) keeps it.
  const epsilon = predictNoise(config.prediction_type, step.sigma, x, modelOutput, rawDenoised);
  const denoised = config.clip_sample ? clamp(rawDenoised, config.clip_sample_range) : rawDenoised;

  // ᾱ = 1/(1 + σ²) and 1 − ᾱ = σ²/(1 + σ²), written so that σ = 0 gives ᾱ = 1 exactly.
  const alphaProd = 1 / (1 + step.sigma * step.sigma);
  const betaProd = (step.sigma * step.sigma) / (1 + step.sigma * step.sigma);
  const alphaProdPrev = 1 / (1 + step.sigmaNext * step.sigmaNext);
  const betaProdPrev = (step.sigmaNext * step.sigmaNext) / (1 + step.sigmaNext * step.sigmaNext);
  const variance = (betaProdPrev / betaProd) * (1 - alphaProd / alphaProdPrev);
  const stdDev = eta * Math.sqrt(variance);
  // Mathematically ≥ 0 for eta ≤ 1; clamp the rounding residue so eta = 1 cannot produce NaN.
  const directionScale = Math.sqrt(Math.max(0, betaProdPrev - stdDev * stdDev));
  const denoisedScale = Math.sqrt(alphaProdPrev);

  const fresh = noise[0];
  const next = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let value = denoisedScale * (denoised[i] as number) + directionScale * (epsilon[i] as number);
    if (fresh !== undefined) value += stdDev * (fresh[i] as number);
    next[i] = value;
  }
  return { sample: next, denoised };
}

function clamp(values: Float32Array, range: number): Float32Array {
  const clamped = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) clamped[i] = Math.min(range, Math.max(-range, values[i] as number));
  return clamped;
}
