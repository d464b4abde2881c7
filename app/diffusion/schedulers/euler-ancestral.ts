/**
 * Euler ancestral (k-diffusion `sample_euler_ancestral` with eta = 1), as diffusers'
 * EulerAncestralDiscreteScheduler. Each step goes down to σ_down with an Euler step, then adds
 * fresh noise of size σ_up so the latent lands at σ_next:
 *
 *   σ_up = sqrt(σ_next² (σ² − σ_next²) / σ²),   σ_down = sqrt(σ_next² − σ_up²)
 *   x_next = x + (x − D(x; σ))/σ · (σ_down − σ) + σ_up · z,   z ~ N(0, I)
 *
 * Planning is Euler's (planEulerSteps) with final σ 0 and no Karras ramp. diffusers raises for
 * prediction_type "sample"; here it works like the other samplers (D = model output).
 */
import type { SamplerDescriptor, StepInput, StepUpdate } from './sampler-descriptor.js';
import { planEulerSteps } from './euler.js';
import { predictDenoised, requireSameLength } from './denoised-prediction.js';
import { samplingArgumentError } from './scheduler-errors.js';

export interface EulerAncestralSampler {
  readonly kind: 'euler_ancestral';
}

export const EULER_ANCESTRAL: SamplerDescriptor<EulerAncestralSampler> = {
  name: 'euler_ancestral',
  label: 'Euler a',
  comfyName: 'euler_ancestral',
  supportsKarras: false,
  parameterization: 'variance_exploding',
  fromWidgets: () => ({ kind: 'euler_ancestral' }),
  validate: () => {},
  needsStepNoise: () => true,
  plan: (_sampler, config, schedule, steps) => planEulerSteps(config, schedule, steps, { karras: false, finalSigma: 0 }),
  step: (_sampler, input) => eulerAncestralStep(input),
};

function ancestralSigmas(sigma: number, sigmaNext: number): { sigmaUp: number; sigmaDown: number } {
  const sigmaUp = Math.sqrt((sigmaNext * sigmaNext * (sigma * sigma - sigmaNext * sigmaNext)) / (sigma * sigma));
  const sigmaDown = Math.sqrt(sigmaNext * sigmaNext - sigmaUp * sigmaUp);
  return { sigmaUp, sigmaDown };
}

function eulerAncestralStep({ plan, state, step, modelOutput, noise }: StepInput): StepUpdate {
  if (noise === undefined) {
    throw samplingArgumentError('noise', 'Euler ancestral needs a unit-Gaussian noise array every step (the last included)', 'Draw one from a GaussianNoiseStream (plan.needsStepNoise is true)');
  }
  const x = state.sample;
  requireSameLength(x, noise, 'noise');
  const denoised = predictDenoised(plan.config.prediction_type, 'variance_exploding', step.sigma, x, modelOutput);
  const { sigmaUp, sigmaDown } = ancestralSigmas(step.sigma, step.sigmaNext);
  const dt = sigmaDown - step.sigma;
  const next = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const derivative = (xi - (denoised[i] as number)) / step.sigma;
    next[i] = xi + derivative * dt + (noise[i] as number) * sigmaUp;
  }
  return { sample: next, denoised };
}
