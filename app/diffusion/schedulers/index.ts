/** Public API of the schedulers: plan a run, then step it with pure functions. */
export {
  DIFFUSERS_DEFAULT_SCHEDULER_CONFIG,
  STABLE_DIFFUSION_SCHEDULER_CONFIG,
  parseSchedulerConfig,
  parseSchedulerConfigText,
  validateSchedulerConfig,
  type BetaSchedule,
  type FinalSigmasType,
  type PredictionType,
  type SchedulerConfig,
  type TimestepSpacing,
} from './scheduler-config.js';
export type { LatentParameterization, PlannedStep, Sampler, SamplerKind, SamplerState, SamplingPlan } from './sampling-types.js';
export { planSampling, planStepWindow, type StepWindow } from './sampling-plan.js';
export { COMFY_SAMPLER_NAMES, SAMPLER_NAMES, samplerFromWidgets, SAMPLER_LABELS } from './sampler-registry.js';
export type { SamplerDescriptor, SamplerWidgets } from './sampler-descriptor.js';
export { advanceSampler, initialLatents, isSamplingDone, noisedLatents, startSampling, type ModelEvaluation } from './sampler-state.js';
export { predictDenoised } from './denoised-prediction.js';
export { samplingArgumentError, SCHEDULER_CONFIG_PROBLEM, schedulerConfigError } from './scheduler-errors.js';
export { SCHEDULE_NAMES, type ScheduleName } from './sigma-schedules.js';
