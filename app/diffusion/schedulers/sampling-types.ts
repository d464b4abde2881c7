/**
 * The shapes shared by planning and stepping: which sampler (its type comes from the registry), the plan of steps, and the immutable
 * state threaded through a sampling loop. Latents are plain Float32Arrays (any shape: every
 * scheduler update is element-wise, so the caller keeps the [B, C, H, W] shape alongside).
 */
import type { SchedulerConfig } from './scheduler-config.js';
import type { Sampler } from './sampler-registry.js';

export type { Sampler, SamplerKind } from './sampler-registry.js';

/**
 * How a latent relates to the clean sample x0 and the noise ε at noise level σ:
 * - variance_preserving (DDIM, DPM++): x = α·x0 + α·σ·ε with α = 1/sqrt(1 + σ²) (= sqrt(ᾱ_t)).
 * - variance_exploding (Euler family, k-diffusion): x = x0 + σ·ε; the UNet input is x·α.
 */
export type LatentParameterization = 'variance_preserving' | 'variance_exploding';

export interface PlannedStep {
  /** Position in the full N-step schedule (0 = noisiest); with denoise < 1 the first run step is > 0. */
  readonly index: number;
  /** What the UNet receives as `timestep` (integer for DDIM / DPM++, possibly fractional for Euler). */
  readonly timestep: number;
  /** Noise level of the latent entering this step, as a k-diffusion σ = sqrt((1 − ᾱ)/ᾱ). */
  readonly sigma: number;
  /** Noise level this step moves the latent to (0 = clean). */
  readonly sigmaNext: number;
  /** Multiply the latent by this before the UNet (diffusers `scale_model_input`). */
  readonly inputScale: number;
}

export interface SamplingPlan {
  readonly sampler: Sampler;
  readonly config: SchedulerConfig;
  /**
   * N, the step count asked for; the schedule is laid out for N steps (DPM++ 2M with Karras σ's in
   * the diffusers-0.20 variant drops repeated timesteps, so its schedule may be shorter).
   */
  readonly totalSteps: number;
  readonly denoise: number;
  /** The steps to run, in order (all N when denoise = 1, the last ⌊N·denoise⌋ otherwise). */
  readonly steps: readonly PlannedStep[];
  /** txt2img: initial latent = unit Gaussian noise × this (diffusers `init_noise_sigma`). */
  readonly initNoiseSigma: number;
  readonly parameterization: LatentParameterization;
  /** True when every step needs fresh unit-Gaussian noise (ancestral and SDE samplers, DDIM with eta > 0). */
  readonly needsStepNoise: boolean;
  /** How many fresh unit-Gaussian, latent-sized arrays each step takes (DPM++ SDE: 2). */
  readonly stepNoiseDraws: number;
}

/** Immutable state of a sampling loop; each step returns a new one. */
export interface SamplerState {
  /** How many planned steps are done (index into plan.steps of the next one). */
  readonly position: number;
  /** The current latent. */
  readonly sample: Float32Array;
  /**
   * The x0 prediction of the last step (null before the first): for previews, and the history
   * DPM++ 2M's second-order update needs.
   */
  readonly denoised: Float32Array | null;
  /**
   * What a multistep solver keeps beyond the last x0 prediction, most recent first (LMS: its last
   * derivatives; DPM++ 3M SDE: the x0 prediction before last). Absent before the first step.
   */
  readonly history?: readonly Float32Array[];
}
