/**
 * Euler ancestral (k-diffusion `sample_euler_ancestral` with eta = 1), as diffusers'
 * EulerAncestralDiscreteScheduler. Each step goes down to σ_down with an Euler step, then adds
 * fresh noise of size σ_up so the latent lands at σ_next:
 *
 *   σ_up = sqrt(σ_next² (σ² − σ_next²) / σ²),   σ_down = sqrt(σ_next² − σ_up²)
 *   x_next = x + (x − D(x; σ))/σ · (σ_down − σ) + σ_up · z,   z ~ N(0, I)
 *
 * Planning is Euler's (planEulerSteps) with final σ 0, or ComfyUI's σ's for any other scheduler
 * than "normal" (diffusers' Euler ancestral has no Karras option). diffusers raises for
 * prediction_type "sample"; here it works like the other samplers (D = model output).
 */
import type { SamplerDescriptor, StepInput, StepUpdate } from './sampler-descriptor.js';
import { planEulerSteps } from './euler.js';
import { predictDenoised } from './denoised-prediction.js';
import { diffusersOrComfySchedule, planFromSchedule, validateSchedule } from './sigma-plan.js';
import type { ScheduleName } from './sigma-schedules.js';

export interface EulerAncestralSampler {
  readonly kind: 'euler_ancestral';
  readonly schedule?: ScheduleName;
}

export const EULER_ANCESTRAL: SamplerDescriptor<EulerAncestralSampler> = {
  name: 'euler_ancestral',
  label: 'Euler a',
  comfyName: 'euler_ancestral',
  parameterization: 'variance_exploding',
  fromWidgets: ({ schedule }) => ({ kind: 'euler_ancestral', ...diffusersOrComfySchedule(schedule, false) }),
  validate: ({ schedule }) => {
    if (schedule !== undefined) validateSchedule(schedule);
  },
  stepNoiseDraws: () => 1,
  plan: (sampler, config, schedule, steps) =>
    sampler.schedule
      ? planFromSchedule(sampler.schedule, schedule, steps, { parameterization: 'variance_exploding' })
      : planEulerSteps(config, schedule, steps, { karras: false, finalSigma: 0 }),
  step: (_sampler, input) => eulerAncestralStep(input),
};

/** k-diffusion get_ancestral_step with eta = 1: the deterministic part goes to σ_down, fresh noise adds σ_up. */
export function ancestralSigmas(sigma: number, sigmaNext: number): { sigmaUp: number; sigmaDown: number } {
  const sigmaUp = Math.sqrt((sigmaNext * sigmaNext * (sigma * sigma - sigmaNext * sigmaNext)) / (sigma * sigma));
  const sigmaDown = Math.sqrt(sigmaNext * sigmaNext - sigmaUp * sigmaUp);
  return { sigmaUp, sigmaDown };
}

function eulerAncestralStep({ plan, state, step, modelOutput, noise }: StepInput): StepUpdate {
  const x = state.sample;
  const fresh = noise[0] as Float32Array;
  const denoised = predictDenoised(plan.config.prediction_type, 'variance_exploding', step.sigma, x, modelOutput);
  const { sigmaUp, sigmaDown } = ancestralSigmas(step.sigma, step.sigmaNext);
  const dt = sigmaDown - step.sigma;
  const next = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const derivative = (xi - (denoised[i] as number)) / step.sigma;
    next[i] = xi + derivative * dt + (fresh[i] as number) * sigmaUp;
  }
  return { sample: next, denoised };
}
