/**
 * The pure pieces of a sampling loop around a plan: build the first latent, scale the UNet input,
 * and step. Nothing here mutates its arguments; each step returns a new SamplerState.
 *
 *   const plan = planSampling(config, { kind: 'dpmpp_2m', karras: true }, 25);
 *   let state = startSampling(plan, initialLatents(plan, gaussianNoise(seed, size)));
 *   while (!isSamplingDone(plan, state)) {
 *     const { sample, timestep } = modelInput(plan, state);
 *     const output = await unet(sample, timestep);          // CFG combined by the caller
 *     state = stepSampler(plan, state, output, plan.needsStepNoise ? stream.next(size) : undefined);
 *   }
 *   // state.sample is the final latent
 */
import type { PlannedStep, SamplerState, SamplingPlan } from './sampling-types.js';
import { alphaAndNoiseScale, requireSameLength } from './denoised-prediction.js';
import { descriptorOf } from './sampler-registry.js';
import { samplingArgumentError } from './scheduler-errors.js';

/** Text-to-image start: unit Gaussian noise × init_noise_sigma. */
export function initialLatents(plan: SamplingPlan, noise: Float32Array): Float32Array {
  const latents = new Float32Array(noise.length);
  for (let i = 0; i < noise.length; i++) latents[i] = (noise[i] as number) * plan.initNoiseSigma;
  return latents;
}

/**
 * Image-to-image start (diffusers `add_noise` at the plan's first timestep): the clean latent
 * noised to the first step's σ, in the plan's parameterization.
 */
export function noisedLatents(plan: SamplingPlan, clean: Float32Array, noise: Float32Array): Float32Array {
  requireSameLength(clean, noise, 'noise');
  const { sigma } = firstStep(plan);
  const { alpha, noiseScale } =
    plan.parameterization === 'variance_preserving' ? alphaAndNoiseScale(sigma) : { alpha: 1, noiseScale: sigma };
  const latents = new Float32Array(clean.length);
  for (let i = 0; i < clean.length; i++) latents[i] = alpha * (clean[i] as number) + noiseScale * (noise[i] as number);
  return latents;
}

export function startSampling(plan: SamplingPlan, latents: Float32Array): SamplerState {
  firstStep(plan);
  return { position: 0, sample: latents, denoised: null };
}

export function isSamplingDone(plan: SamplingPlan, state: SamplerState): boolean {
  return state.position >= plan.steps.length;
}

/** The current step's UNet input: the latent times its input scale, and the timestep. */
export function modelInput(plan: SamplingPlan, state: SamplerState): { sample: Float32Array; timestep: number; step: PlannedStep } {
  const step = currentStep(plan, state);
  const sample = new Float32Array(state.sample.length);
  for (let i = 0; i < sample.length; i++) sample[i] = (state.sample[i] as number) * step.inputScale;
  return { sample, timestep: step.timestep, step };
}

/**
 * Advance one step with the model's output for modelInput(plan, state). `noise` (unit Gaussian,
 * latent-sized) is required exactly when plan.needsStepNoise.
 */
export function stepSampler(plan: SamplingPlan, state: SamplerState, modelOutput: Float32Array, noise?: Float32Array): SamplerState {
  const step = currentStep(plan, state);
  requireSameLength(state.sample, modelOutput);
  const result = descriptorOf(plan.sampler).step(plan.sampler, { plan, state, step, modelOutput, noise });
  return { position: state.position + 1, sample: result.sample, denoised: result.denoised };
}

function currentStep(plan: SamplingPlan, state: SamplerState): PlannedStep {
  const step = plan.steps[state.position];
  if (step === undefined) {
    throw samplingArgumentError('state.position', `${state.position} is past the plan's ${plan.steps.length} steps`, 'Stop when isSamplingDone(plan, state) is true');
  }
  return step;
}

function firstStep(plan: SamplingPlan): PlannedStep {
  const step = plan.steps[0];
  if (step === undefined) throw samplingArgumentError('plan', 'has no steps', 'Create plans with planSampling()');
  return step;
}
