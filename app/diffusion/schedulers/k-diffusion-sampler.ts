/**
 * What the samplers ported from k-diffusion (ComfyUI's comfy/k_diffusion/sampling.py) share: they
 * plan from a ComfyUI scheduler's σ list, work on variance-exploding latents x = x0 + σ·ε with
 * D(x; σ) the model's x0 prediction, and take no settings beyond the scheduler (ComfyUI's KSampler
 * runs them with eta = 1, s_noise = 1, s_churn = 0).
 *
 * Stochastic samplers draw fresh unit Gaussians from the run's seeded stream where ComfyUI calls
 * its noise sampler: each draw is the Brownian increment over that call's σ interval, normalised.
 * ComfyUI's SDE samplers take these increments from a torchsde Brownian tree instead; over the
 * disjoint intervals of successive steps they are independent unit Gaussians too, so a run has the
 * same distribution (not the same numbers) and is deterministic per seed. Where one step asks for
 * two increments over nested intervals (DPM++ SDE), the second is built from both draws with the
 * Brownian correlation (dpmpp-single-step.ts).
 */
import type { SamplerDescriptor, ExtraEvaluation, StepInput, StepProgram, StepUpdate } from './sampler-descriptor.js';
import type { SamplingPlan } from './sampling-types.js';
import { predictDenoised } from './denoised-prediction.js';
import { planFromSchedule, validateSchedule } from './sigma-plan.js';
import type { ScheduleName } from './sigma-schedules.js';

export interface KDiffusionSampler<K extends string> {
  readonly kind: K;
  readonly schedule: ScheduleName;
}

export interface KDiffusionAlgorithm<K extends string> {
  readonly name: K;
  readonly label: string;
  /** Fresh unit-Gaussian arrays per step. */
  readonly stepNoiseDraws: number;
  /** ComfyUI's `_gpu` twins of an SDE sampler (SamplerDescriptor.comfyAliases). */
  readonly comfyAliases?: readonly string[];
  /** ComfyUI plans one step more and drops the σ before 0 (dpm_2, dpm_2_ancestral). */
  readonly discardPenultimateSigma?: boolean;
  step(input: StepInput): StepUpdate | StepProgram;
}

/** A k-diffusion sampler's descriptor: ComfyUI's name, its scheduler's σ's, VE latents. */
export function kDiffusionDescriptor<K extends string>(algorithm: KDiffusionAlgorithm<K>): SamplerDescriptor<KDiffusionSampler<K>> {
  return {
    name: algorithm.name,
    label: algorithm.label,
    comfyName: algorithm.name,
    ...(algorithm.comfyAliases ? { comfyAliases: algorithm.comfyAliases } : {}),
    parameterization: 'variance_exploding',
    fromWidgets: ({ schedule }) => ({ kind: algorithm.name, schedule }),
    validate: ({ schedule }) => validateSchedule(schedule),
    stepNoiseDraws: () => algorithm.stepNoiseDraws,
    plan: (sampler, _config, schedule, steps) =>
      planFromSchedule(sampler.schedule, schedule, steps, {
        parameterization: 'variance_exploding',
        discardPenultimateSigma: algorithm.discardPenultimateSigma ?? false,
      }),
    step: (_sampler, input) => algorithm.step(input),
  };
}

/** D(x; σ) at the step's own point, from the model output the step was given. */
export function stepDenoised({ plan, state, step, modelOutput }: StepInput): Float32Array {
  return predictDenoised(plan.config.prediction_type, 'variance_exploding', step.sigma, state.sample, modelOutput);
}

/** D(x; σ) at another point: one more model evaluation (use with `yield*`). */
export function* denoisedAt(plan: SamplingPlan, sample: Float32Array, sigma: number): Generator<ExtraEvaluation, Float32Array, Float32Array> {
  const output = yield { sample, sigma };
  return predictDenoised(plan.config.prediction_type, 'variance_exploding', sigma, sample, output);
}

/** A latent-sized array from an element-wise formula (evaluated in float64, stored as float32). */
export function elementwise(length: number, formula: (i: number) => number): Float32Array {
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = formula(i);
  return values;
}

/** k-diffusion to_d: the probability-flow ODE's derivative dx/dσ = (x − D)/σ. */
export function derivative(sample: Float32Array, denoised: Float32Array, sigma: number): Float64Array {
  const values = new Float64Array(sample.length);
  for (let i = 0; i < sample.length; i++) values[i] = ((sample[i] as number) - (denoised[i] as number)) / sigma;
  return values;
}

/** σ of the plan's step `back` steps before the current one (1 = the previous step). */
export function earlierSigma(plan: SamplingPlan, position: number, back: number): number {
  const step = plan.steps[position - back];
  if (step === undefined) throw new RangeError(`no step ${back} before position ${position}`);
  return step.sigma;
}
