/**
 * What one sampling algorithm tells the rest of the app about itself. Each algorithm file exports
 * one descriptor and sampler-registry.ts lists them, so the Sampler node's choices, the ComfyUI
 * import and the planning/stepping dispatch all follow from that one list.
 */
import type { SchedulerConfig } from './scheduler-config.js';
import type { LatentParameterization, PlannedStep, SamplerState, SamplingPlan } from './sampling-types.js';
import type { TrainingNoiseSchedule } from './training-schedule.js';
import type { ScheduleName } from './sigma-schedules.js';

/** The Sampler node's widgets that shape an algorithm (the sampler widget itself picks the descriptor). */
export interface SamplerWidgets {
  /** The scheduler widget: which σ's the run walks (any sampler takes any of them, as in ComfyUI). */
  readonly schedule: ScheduleName;
  readonly eta: number;
}

export interface StepInput {
  readonly plan: SamplingPlan;
  readonly state: SamplerState;
  readonly step: PlannedStep;
  readonly modelOutput: Float32Array;
  /** plan.stepNoiseDraws unit-Gaussian, latent-sized arrays, fresh for this step. */
  readonly noise: readonly Float32Array[];
}

/**
 * A model evaluation a step needs beyond its first one (Heun's corrector, a midpoint): the
 * variance-exploding latent x and its σ. The loop scales x and picks the timestep as for a step.
 */
export interface ExtraEvaluation {
  readonly sample: Float32Array;
  readonly sigma: number;
}

/** A step that evaluates the model again: it yields each evaluation and receives the model's output. */
export type StepProgram = Generator<ExtraEvaluation, StepUpdate, Float32Array>;

export interface StepUpdate {
  readonly sample: Float32Array;
  /** The x0 prediction: previews, and the history multistep solvers read back from the state. */
  readonly denoised: Float32Array;
  /** Older values a multistep solver keeps (most recent first); see SamplerState.history. */
  readonly history?: readonly Float32Array[];
}

export interface SamplerDescriptor<S extends { readonly kind: string }> {
  /** The id stored in workflows, offered by the Sampler node's sampler widget and used as `kind`. */
  readonly name: S['kind'];
  /** How descriptions name it (diffusers/A1111 style). */
  readonly label: string;
  /** ComfyUI's KSampler sampler_name with the same update rule; absent when ComfyUI has none. */
  readonly comfyName?: string;
  /**
   * Other ComfyUI names that import as this sampler: the `_gpu` variants, which differ from theirs
   * only in where torchsde's Brownian tree runs (our noise reproduces neither). Export uses comfyName.
   */
  readonly comfyAliases?: readonly string[];
  readonly parameterization: LatentParameterization;
  fromWidgets(widgets: SamplerWidgets): S;
  /** Throws a UserFacingError for a setting out of range. */
  validate(sampler: S): void;
  /** How many fresh unit-Gaussian arrays every step takes (0 for a deterministic sampler). */
  stepNoiseDraws(sampler: S): number;
  /** The full N-step schedule (diffusers `set_timesteps` + `init_noise_sigma`). */
  plan(sampler: S, config: SchedulerConfig, schedule: TrainingNoiseSchedule, steps: number): { steps: PlannedStep[]; initNoiseSigma: number };
  /** One step from the model's output at the step's own (x, σ); a StepProgram to evaluate the model again. */
  step(sampler: S, input: StepInput): StepUpdate | StepProgram;
}
