/**
 * The denoising loop: seeded noise, the scheduler's plan, one guided UNet call per step, progress
 * with a preview after every step, and the cancel signal checked before each step.
 */
import { GaussianNoiseStream, type NoiseSeed } from '../noise/gaussian-noise.js';
import {
  initialLatents,
  isSamplingDone,
  modelInput,
  noisedLatents,
  planSampling,
  startSampling,
  stepSampler,
  type Sampler,
  type SchedulerConfig,
} from '../schedulers/index.js';
import type { HostTensor } from '../../runtime/host-tensor.js';
import { guidedPrediction } from './guidance.js';
import type { UnetModel } from './unet-model.js';
import type { Conditioning, Latent } from './values.js';

/** A step's extra UNet inputs: the guided pass's, and the noise-damped base pass's while that pass runs. */
export interface StepFeeds {
  readonly main: Record<string, HostTensor>;
  readonly base: Record<string, HostTensor> | null;
}

/** Per-step UNet controls by the step's index in the full schedule (what ScaleCrafter feeds). */
export type StepFeedsAt = (stepIndex: number, totalSteps: number) => StepFeeds;

export interface SamplingRequest {
  unet: UnetModel;
  scheduler: SchedulerConfig;
  sampler: Sampler;
  steps: number;
  denoise: number;
  seed: NoiseSeed;
  guidanceScale: number;
  positive: Conditioning;
  negative: Conditioning;
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
  // Full denoise starts from pure noise (diffusers' text-to-image); partial denoise noises the
  // given latent to the first planned step (diffusers' image-to-image).
  const start = request.denoise >= 1 ? initialLatents(plan, noise.next(count)) : noisedLatents(plan, latent.samples, noise.next(count));
  let state = startSampling(plan, start);
  while (!isSamplingDone(plan, state)) {
    request.signal.throwIfAborted();
    const input = modelInput(plan, state);
    const controls = request.controlsAt?.(input.step.index, plan.totalSteps);
    const prediction = await guidedPrediction({
      ...(controls ? { controls: controls.main, baseControls: controls.base } : {}),
      unet: request.unet,
      sample: input.sample,
      dims: latent.dims,
      timestep: input.timestep,
      positive: request.positive,
      negative: request.negative,
      scale: request.guidanceScale,
    });
    state = stepSampler(plan, state, prediction, plan.needsStepNoise ? noise.next(count) : undefined);
    request.onStep(state.position, plan.steps.length, state.denoised ?? state.sample);
  }
  return { ...latent, samples: state.sample };
}
