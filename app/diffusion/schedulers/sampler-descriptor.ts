/**
 * What one sampling algorithm tells the rest of the app about itself. Each algorithm file exports
 * one descriptor and sampler-registry.ts lists them, so the Sampler node's choices, its Karras check,
 * the ComfyUI import and the planning/stepping dispatch all follow from that one list.
 */
import type { SchedulerConfig } from './scheduler-config.js';
import type { LatentParameterization, PlannedStep, SamplerState, SamplingPlan } from './sampling-types.js';
import type { TrainingNoiseSchedule } from './training-schedule.js';

/** The Sampler node's widgets that shape an algorithm (the sampler widget itself picks the descriptor). */
export interface SamplerWidgets {
  /** The scheduler widget asks for the Karras σ ramp. */
  readonly karras: boolean;
  readonly eta: number;
}

export interface StepInput {
  readonly plan: SamplingPlan;
  readonly state: SamplerState;
  readonly step: PlannedStep;
  readonly modelOutput: Float32Array;
  /** Unit-Gaussian, latent-sized; present exactly when plan.needsStepNoise. */
  readonly noise: Float32Array | undefined;
}

export interface StepUpdate {
  readonly sample: Float32Array;
  /** The x0 prediction: previews, and the history multistep solvers read back from the state. */
  readonly denoised: Float32Array;
}

export interface SamplerDescriptor<S extends { readonly kind: string }> {
  /** The id stored in workflows, offered by the Sampler node's sampler widget and used as `kind`. */
  readonly name: S['kind'];
  /** How descriptions name it (diffusers/A1111 style). */
  readonly label: string;
  /** ComfyUI's KSampler sampler_name with the same update rule; absent when ComfyUI has none. */
  readonly comfyName?: string;
  /** The scheduler widget's "karras" is allowed with it (diffusers offers use_karras_sigmas). */
  readonly supportsKarras: boolean;
  readonly parameterization: LatentParameterization;
  fromWidgets(widgets: SamplerWidgets): S;
  /** Throws a UserFacingError for a setting out of range. */
  validate(sampler: S): void;
  /** Whether every step takes a fresh noise array. */
  needsStepNoise(sampler: S): boolean;
  /** The full N-step schedule (diffusers `set_timesteps` + `init_noise_sigma`). */
  plan(sampler: S, config: SchedulerConfig, schedule: TrainingNoiseSchedule, steps: number): { steps: PlannedStep[]; initNoiseSigma: number };
  step(sampler: S, input: StepInput): StepUpdate;
}
