/**
 * The pure pieces of a sampling loop around a plan: build the first latent, scale the UNet input,
 * and step. Nothing here mutates its arguments; each step returns a new SamplerState.
 *
 *   const plan = planSampling(config, { kind: 'dpmpp_2m', karras: true }, 25);
 *   let state = startSampling(plan, initialLatents(plan, gaussianNoise(seed, size)));
 *   while (!isSamplingDone(plan, state)) {
 *     const noise = Array.from({ length: plan.stepNoiseDraws }, () => stream.next(size));
 *     // CFG combined by the caller; a multi-evaluation sampler (Heun …) calls it more than once.
 *     state = await advanceSampler(plan, state, ({ sample, timestep }) => unet(sample, timestep), noise);
 *   }
 *   // state.sample is the final latent
 */
import type { PlannedStep, SamplerState, SamplingPlan } from './sampling-types.js';
import type { ExtraEvaluation, StepProgram, StepUpdate } from './sampler-descriptor.js';
import { alphaAndNoiseScale, requireSameLength } from './denoised-prediction.js';
import { descriptorOf } from './sampler-registry.js';
import { samplingArgumentError } from './scheduler-errors.js';
import { cachedTrainingSchedule } from './sigma-plan.js';
import { nearestTimestep } from './sigma-schedules.js';

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

/** One UNet evaluation of a step: its input (already scaled), timestep and σ, and the step it belongs to. */
export interface ModelEvaluation {
  readonly sample: Float32Array;
  readonly timestep: number;
  readonly sigma: number;
  readonly step: PlannedStep;
}

/**
 * Advance one step, calling `evaluate` for every model evaluation the sampler makes: the step's own
 * (modelInput) and, for Heun, DPM2, DPM++ SDE …, the later ones at intermediate σ's. Each carries
 * the step it belongs to. `noise` (unit Gaussian, latent-sized) is required exactly when
 * plan.needsStepNoise: one array, or plan.stepNoiseDraws of them.
 */
export async function advanceSampler(
  plan: SamplingPlan,
  state: SamplerState,
  evaluate: (evaluation: ModelEvaluation) => Promise<Float32Array>,
  noise?: Float32Array | readonly Float32Array[],
): Promise<SamplerState> {
  const input = modelInput(plan, state);
  const output = await evaluate({ ...input, sigma: input.step.sigma });
  const outcome = firstEvaluationStep(plan, state, output, noise);
  if (!isStepProgram(outcome)) return nextState(state, outcome);
  let progress = outcome.next();
  while (!progress.done) {
    const extra = progress.value;
    requireSameLength(state.sample, extra.sample, 'sample');
    progress = outcome.next(await evaluate(extraEvaluationInput(plan, input.step, extra)));
  }
  return nextState(state, progress.value);
}

function firstEvaluationStep(plan: SamplingPlan, state: SamplerState, modelOutput: Float32Array, noise: Float32Array | readonly Float32Array[] | undefined): StepUpdate | StepProgram {
  const step = currentStep(plan, state);
  requireSameLength(state.sample, modelOutput);
  const arrays = noise === undefined ? [] : noise instanceof Float32Array ? [noise] : noise;
  if (plan.needsStepNoise && arrays.length < plan.stepNoiseDraws) {
    throw samplingArgumentError('noise', `this sampler needs ${plan.stepNoiseDraws} unit-Gaussian noise array(s) every step (the last included), got ${arrays.length}`, 'Draw them from a GaussianNoiseStream (plan.stepNoiseDraws says how many)');
  }
  for (const array of arrays) requireSameLength(state.sample, array, 'noise');
  return descriptorOf(plan.sampler).step(plan.sampler, { plan, state, step, modelOutput, noise: arrays });
}

/** Samplers with extra evaluations work on variance-exploding latents, scaled as ComfyUI's calculate_input. */
function extraEvaluationInput(plan: SamplingPlan, step: PlannedStep, extra: ExtraEvaluation): ModelEvaluation {
  const scale = 1 / Math.sqrt(extra.sigma * extra.sigma + 1);
  return {
    sample: extra.sample.map((value) => value * scale),
    timestep: nearestTimestep(cachedTrainingSchedule(plan.config), extra.sigma),
    sigma: extra.sigma,
    step,
  };
}

const isStepProgram = (outcome: StepUpdate | StepProgram): outcome is StepProgram => typeof (outcome as StepProgram).next === 'function';

function nextState(state: SamplerState, update: StepUpdate): SamplerState {
  return { position: state.position + 1, sample: update.sample, denoised: update.denoised, ...(update.history ? { history: update.history } : {}) };
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
