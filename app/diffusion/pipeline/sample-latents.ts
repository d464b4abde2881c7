/**
 * The denoising loop: seeded noise, the scheduler's plan, a guided UNet call per model evaluation
 * (one per step, two or three for Heun, DPM2, DPM++ SDE …), progress with a preview after every step, and
 * the cancel signal checked before each evaluation.
 */
import { GaussianNoiseStream, type NoiseSeed } from '../noise/gaussian-noise.js';
import {
  advanceSampler,
  initialLatents,
  isSamplingDone,
  noisedLatents,
  planSampling,
  planStepWindow,
  startSampling,
  type ModelEvaluation,
  type Sampler,
  type SamplingPlan,
  type SchedulerConfig,
  type StepWindow,
} from '../schedulers/index.js';
import { alphaAndNoiseScale } from '../schedulers/denoised-prediction.js';
import { trainingNoiseSchedule } from '../schedulers/training-schedule.js';
import { guidedPrediction, type GuidanceFeeds } from './guidance.js';
import { placeConditioning } from './conditioning-regions.js';
import type { UnetModel } from './unet-model.js';
import { activeEntries } from './conditioning-schedule.js';
import { denoiseMaskFor, InpaintingBlend } from './inpainting.js';
import type { ConditioningList, Latent } from './values.js';

/** A step's extra UNet inputs: the guided pass's, and the noise-damped base pass's while that pass runs. */
export type StepFeeds = GuidanceFeeds;

/**
 * Per-step UNet controls by the step's index in the full schedule (what ScaleCrafter feeds), for an
 * evaluation on a latent of `latentSize` (a conditioning area's crop) or, without it, the whole latent.
 */
export type StepFeedsAt = (stepIndex: number, totalSteps: number, latentSize?: { readonly height: number; readonly width: number }) => StepFeeds;

export interface SamplingRequest {
  unet: UnetModel;
  scheduler: SchedulerConfig;
  sampler: Sampler;
  steps: number;
  denoise: number;
  seed: NoiseSeed;
  guidanceScale: number;
  positive: ConditioningList;
  negative: ConditioningList;
  latent: Latent;
  signal: AbortSignal;
  /** none = the plain UNet */
  controlsAt?: StepFeedsAt | undefined;
  /** Called after each step with the steps done, the total and the x0 prediction. */
  onStep(done: number, total: number, denoised: Float32Array): void;
}

export async function sampleLatents(request: SamplingRequest): Promise<Latent> {
  const { latent } = request;
  const plan = planSampling(request.scheduler, request.sampler, request.steps, request.denoise);
  const noise = new GaussianNoiseStream(request.seed);
  const count = latent.samples.length;
  const initialNoise = noise.next(count);
  const inpainting = inpaintingFor(request, initialNoise);
  // Full denoise starts from pure noise (diffusers' text-to-image); partial denoise noises the
  // given latent to the first planned step (diffusers' image-to-image). Inpainting at full denoise
  // starts as ComfyUI's KSampler does, from the noise plus the latent, which the mask keeps outside.
  let start: Float32Array;
  if (request.denoise < 1) start = noisedLatents(plan, latent.samples, initialNoise);
  else if (inpainting) start = added(initialLatents(plan, initialNoise), scaled(latent.samples, startAlpha(plan)));
  else start = initialLatents(plan, initialNoise);
  return { ...latent, samples: await denoiseLoop(plan, start, noise, request, inpainting) };
}

/** ComfyUI's KSamplerX0Inpaint when the latent carries a noise mask; its noise is the run's first draw. */
function inpaintingFor(request: Omit<SamplingRequest, 'denoise'>, noise: Float32Array): InpaintingBlend | undefined {
  const { latent } = request;
  if (!latent.noiseMask) return undefined;
  return new InpaintingBlend({ latent: latent.samples, mask: denoiseMaskFor(latent.noiseMask, latent.dims), noise, prediction: request.scheduler.prediction_type });
}

/** α at the plan's first σ for a variance-preserving sampler, which works on α·(x0 + σ·ε); else 1. */
function startAlpha(plan: SamplingPlan): number {
  return plan.parameterization === 'variance_preserving' ? alphaAndNoiseScale(plan.steps[0]!.sigma).alpha : 1;
}

/** KSamplerAdvanced's run: part of the schedule, with or without fresh noise, finished or not. */
export interface StepWindowRequest extends Omit<SamplingRequest, 'denoise'> {
  window: StepWindow;
  addNoise: boolean;
}

/**
 * A LATENT between two parts of one schedule holds ComfyUI's noisy latent x0 + σ·ε (variance
 * exploding). A variance-preserving sampler (DDIM, DPM++) works on α·(x0 + σ·ε), so a part given no
 * fresh noise scales its input (such a noisy latent at its first σ) by α, and a part that stops
 * inside the schedule with its leftover noise scales back; a part that runs to the end returns what
 * the Sampler would.
 */
export async function sampleStepWindow(request: StepWindowRequest): Promise<Latent> {
  const { latent, window } = request;
  const plan = planStepWindow(request.scheduler, request.sampler, request.steps, window);
  if (plan === null) return latent;
  const count = latent.samples.length;
  const noise = new GaussianNoiseStream(request.seed);
  const initialNoise = noise.next(count);
  // The step noise a single run would have drawn before this part, so parts chain into that run.
  for (let skipped = 0; skipped < window.start * plan.stepNoiseDraws; skipped++) noise.next(count);
  const alpha = startAlpha(plan);
  let start: Float32Array;
  if (!request.addNoise) start = scaled(latent.samples, alpha);
  // At the schedule's start, ComfyUI's max_denoise amount of noise: the Sampler's text-to-image start.
  else if (window.start === 0) start = added(initialLatents(plan, initialNoise), scaled(latent.samples, alpha));
  else start = noisedLatents(plan, latent.samples, initialNoise);
  // ComfyUI's disabled noise is zeros, and the inpainting blend noises the source with it.
  const samples = await denoiseLoop(plan, start, noise, request, inpaintingFor(request, request.addNoise ? initialNoise : new Float32Array(count)));
  const last = plan.steps[plan.steps.length - 1]!;
  const stopsInside = window.end < plan.totalSteps && plan.parameterization === 'variance_preserving';
  return { ...latent, samples: stopsInside ? scaled(samples, 1 / alphaAndNoiseScale(last.sigmaNext).alpha) : samples };
}

async function denoiseLoop(plan: SamplingPlan, start: Float32Array, noise: GaussianNoiseStream, request: Omit<SamplingRequest, 'denoise'>, inpainting?: InpaintingBlend): Promise<Float32Array> {
  const { latent } = request;
  const count = latent.samples.length;
  const schedule = trainingNoiseSchedule(plan.config);
  // Areas and masks are resolved on this latent once, as ComfyUI does before its loop.
  const placed = placeConditioning(request.positive, request.negative, { dims: latent.dims, vaeScaleFactor: request.unet.vaeScaleFactor });
  const { controlsAt } = request;
  // ScaleCrafter's controls follow the step an evaluation belongs to, also for a multi-evaluation
  // sampler's later evaluations at intermediate σ's: the reference schedules by step (`i < tau`).
  // Conditioning ranges follow the evaluation's own σ, as ComfyUI checks them per model call.
  const evaluate = async (input: ModelEvaluation): Promise<Float32Array> => {
    request.signal.throwIfAborted();
    const controls = controlsAt?.(input.step.index, plan.totalSteps);
    // The inpainting blend applies at every model call, at that call's own σ (ComfyUI's KSamplerX0Inpaint).
    const sample = inpainting ? inpainting.modelInput(input.sample, input.sigma) : input.sample;
    const prediction = await guidedPrediction({
      ...(controls ? { controls: controls.main, baseControls: controls.base } : {}),
      ...(controlsAt ? { cropControls: (height: number, width: number) => controlsAt(input.step.index, plan.totalSteps, { height, width }) } : {}),
      unet: request.unet,
      sample,
      dims: latent.dims,
      timestep: input.timestep,
      positive: activeEntries(placed.positive, input.sigma, schedule),
      negative: activeEntries(placed.negative, input.sigma, schedule),
      scale: request.guidanceScale,
    });
    return inpainting ? inpainting.modelOutput(prediction, sample, input.sample, input.sigma) : prediction;
  };
  let state = startSampling(plan, start);
  while (!isSamplingDone(plan, state)) {
    const stepNoise = Array.from({ length: plan.stepNoiseDraws }, () => noise.next(count));
    state = await advanceSampler(plan, state, evaluate, stepNoise);
    request.onStep(state.position, plan.steps.length, state.denoised ?? state.sample);
  }
  return state.sample;
}

function scaled(values: Float32Array, factor: number): Float32Array {
  if (factor === 1) return values;
  return values.map((value) => value * factor);
}

function added(first: Float32Array, second: Float32Array): Float32Array {
  return first.map((value, i) => value + second[i]!);
}
