/**
 * The noise-schedule configuration, keyed exactly as diffusers' `scheduler/scheduler_config.json`.
 *
 * A diffusers folder ships one scheduler class (PNDM for SD 1.x, Euler for SDXL …) but every
 * sampler here reads the same keys, as diffusers' `SomeScheduler.from_config(other.config)` does.
 * Missing keys take diffusers' constructor defaults, so a config loaded here and in diffusers
 * yields the same schedule. `timestep_spacing` is the one key whose default depends on the sampler
 * (DDIM: "leading"; Euler, Euler ancestral, DPM++: "linspace"), so it stays optional.
 *
 * Keys that pick the algorithm (`algorithm_type`, `solver_order`, `use_karras_sigmas`, …) are
 * ignored: the sampler is chosen by the `Sampler` union. Keys whose non-default value would change
 * the result in a way not supported here are rejected with an error naming the key.
 *
 * One key is this project's own: `dpm_solver_variant` (DpmSolverVariant), which diffusers never
 * writes, so configs from diffusers get its default.
 */
import { schedulerConfigError } from './scheduler-errors.js';

export type BetaSchedule = 'linear' | 'scaled_linear';
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';
export type PredictionType = 'epsilon' | 'v_prediction' | 'sample';
/** Where the last step lands: σ = 0, or the training schedule's smallest σ (t = 0). */
export type FinalSigmasType = 'zero' | 'sigma_min';
/**
 * Which diffusers DPMSolverMultistepScheduler DPM++ 2M follows. "diffusers-0.20" is the one the
 * ScaleCrafter reference pins (diffusers 0.20.2): the last step goes to t = 0 (final_sigmas_type
 * "sigma_min", its only choice), and with Karras σ's it steps between the σ's of the *rounded*
 * timesteps and drops repeated ones (50 SD steps run 49). "current" uses the Karras σ's as computed.
 */
export type DpmSolverVariant = 'current' | 'diffusers-0.20';

export interface SchedulerConfig {
  readonly num_train_timesteps: number;
  readonly beta_start: number;
  readonly beta_end: number;
  readonly beta_schedule: BetaSchedule;
  readonly prediction_type: PredictionType;
  readonly steps_offset: number;
  /** Undefined: the sampler's diffusers default ("leading" for DDIM, "linspace" otherwise). */
  readonly timestep_spacing?: TimestepSpacing;
  /** DDIM: the ᾱ after the last step is 1 (true) or ᾱ at t = 0 (false). */
  readonly set_alpha_to_one: boolean;
  /** DDIM: clamp the predicted x0 to ±clip_sample_range (diffusers default true; SD configs set false). */
  readonly clip_sample: boolean;
  readonly clip_sample_range: number;
  /** Euler and DPM++ 2M. */
  readonly final_sigmas_type: FinalSigmasType;
  /** DPM++ 2M: first-order last step when fewer than 15 steps. */
  readonly lower_order_final: boolean;
  /** DPM++ 2M: this project's key (DpmSolverVariant); "diffusers-0.20" needs final_sigmas_type "sigma_min". */
  readonly dpm_solver_variant: DpmSolverVariant;
}

/** diffusers' constructor defaults (DDIMScheduler / EulerDiscreteScheduler / DPMSolverMultistepScheduler). */
export const DIFFUSERS_DEFAULT_SCHEDULER_CONFIG: SchedulerConfig = {
  num_train_timesteps: 1000,
  beta_start: 0.0001,
  beta_end: 0.02,
  beta_schedule: 'linear',
  prediction_type: 'epsilon',
  steps_offset: 0,
  set_alpha_to_one: true,
  clip_sample: true,
  clip_sample_range: 1,
  final_sigmas_type: 'zero',
  lower_order_final: true,
  dpm_solver_variant: 'current',
};

/**
 * `scheduler_config.json` of Stable Diffusion 1.x. SD 2.x and SDXL share the noise schedule
 * (SD 2.x-768 adds prediction_type "v_prediction", SDXL timestep_spacing "leading").
 */
export const STABLE_DIFFUSION_SCHEDULER_CONFIG: SchedulerConfig = {
  ...DIFFUSERS_DEFAULT_SCHEDULER_CONFIG,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  steps_offset: 1,
  set_alpha_to_one: false,
  clip_sample: false,
};

type JsonObject = Record<string, unknown>;

/** Keys that, when present with anything but these values, would change the schedule in ways not supported here. */
const UNSUPPORTED_UNLESS: ReadonlyArray<readonly [key: string, allowed: readonly unknown[], hint: string]> = [
  ['trained_betas', [null], 'Custom beta arrays are not supported; use beta_start/beta_end/beta_schedule'],
  ['rescale_betas_zero_snr', [false], 'Zero-terminal-SNR rescaling is not supported; remove the key or set it to false'],
  ['thresholding', [false], 'Dynamic thresholding is not supported (it is unsuitable for latent diffusion); set it to false'],
  ['timestep_type', ['discrete'], 'Only discrete timesteps are implemented; set it to "discrete"'],
  ['interpolation_type', ['linear'], 'Only linear sigma interpolation is implemented; set it to "linear"'],
  ['use_exponential_sigmas', [false], 'Exponential sigmas are not supported; use a Karras sampler variant instead'],
  ['use_beta_sigmas', [false], 'Beta sigmas are not supported; use a Karras sampler variant instead'],
  ['use_lu_lambdas', [false], 'Lu lambdas are not supported; use a Karras sampler variant instead'],
  ['sigma_min', [null], 'A custom sigma_min is not supported; remove the key'],
  ['sigma_max', [null], 'A custom sigma_max is not supported; remove the key'],
  ['variance_type', [null], 'Learned variance is not supported; remove the key'],
  ['euler_at_final', [false], 'euler_at_final is not supported; set it to false'],
  // Flow-matching sigmas (diffusers DPMSolverMultistepScheduler for flow models such as SD3):
  // this project's samplers implement the variance-preserving SD/SDXL noise schedule only.
  ['use_flow_sigmas', [false], 'Flow-matching sigmas are not supported (SD 1.x/2.x/SDXL use the VP schedule); set it to false'],
  ['flow_shift', [1, null], 'A flow shift is not supported; remove the key or set it to 1.0'],
  ['use_dynamic_shifting', [false], 'Resolution-dependent timestep shifting is not supported; set it to false'],
  // diffusers writes the default −inf as Python's bare -Infinity, read as null by parseSchedulerConfigText.
  ['lambda_min_clipped', [null, -Infinity], 'Clipping λ is only needed for cosine schedules, which are not supported; remove the key'],
];

/**
 * Parse the text of a `scheduler_config.json`. diffusers writes it with Python's json module, which
 * emits bare `Infinity`, `-Infinity` and `NaN` (DPMSolverMultistepScheduler saves
 * `"lambda_min_clipped": -Infinity`); JSON.parse rejects those, so they are read as null first.
 */
export function parseSchedulerConfigText(text: string): SchedulerConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(replacePythonNonFiniteNumbers(text));
  } catch (error) {
    throw schedulerConfigError('(root)', `not valid JSON (${(error as Error).message})`, 'Check the scheduler_config.json file');
  }
  return parseSchedulerConfig(parsed);
}

/** Replace bare -Infinity / Infinity / NaN tokens outside string literals by null. */
function replacePythonNonFiniteNumbers(text: string): string {
  let result = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (inString) {
      result += char;
      if (char === '\\') result += text[++i] ?? '';
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    const token = ['-Infinity', 'Infinity', 'NaN'].find((candidate) => text.startsWith(candidate, i));
    if (!inString && token !== undefined) {
      result += 'null';
      i += token.length - 1;
      continue;
    }
    result += char;
  }
  return result;
}

/**
 * Read a parsed `scheduler_config.json`. Unknown keys (`_class_name`, `skip_prk_steps`, …) are
 * ignored; recognised keys are type- and range-checked.
 */
export function parseSchedulerConfig(json: unknown): SchedulerConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw schedulerConfigError('(root)', 'expected a JSON object', 'Pass the parsed contents of scheduler_config.json');
  }
  const source = json as JsonObject;
  for (const [key, allowed, hint] of UNSUPPORTED_UNLESS) {
    if (key in source && !allowed.includes(source[key])) {
      throw schedulerConfigError(key, `value ${JSON.stringify(source[key])} is not supported`, hint);
    }
  }
  const defaults = DIFFUSERS_DEFAULT_SCHEDULER_CONFIG;
  const dpmSolverVariant = readChoice<DpmSolverVariant>(source, 'dpm_solver_variant', defaults.dpm_solver_variant, ['current', 'diffusers-0.20']);
  // diffusers 0.20 always ends at t = 0: that variant makes "sigma_min" the default.
  const finalSigmasDefault = dpmSolverVariant === 'diffusers-0.20' ? 'sigma_min' : defaults.final_sigmas_type;
  const config: SchedulerConfig = {
    num_train_timesteps: readInteger(source, 'num_train_timesteps', defaults.num_train_timesteps, 2),
    beta_start: readNumber(source, 'beta_start', defaults.beta_start),
    beta_end: readNumber(source, 'beta_end', defaults.beta_end),
    beta_schedule: readChoice(source, 'beta_schedule', defaults.beta_schedule, ['linear', 'scaled_linear']),
    prediction_type: readChoice(source, 'prediction_type', defaults.prediction_type, ['epsilon', 'v_prediction', 'sample']),
    steps_offset: readInteger(source, 'steps_offset', defaults.steps_offset, 0),
    set_alpha_to_one: readBoolean(source, 'set_alpha_to_one', defaults.set_alpha_to_one),
    clip_sample: readBoolean(source, 'clip_sample', defaults.clip_sample),
    clip_sample_range: readNumber(source, 'clip_sample_range', defaults.clip_sample_range),
    final_sigmas_type: readChoice<FinalSigmasType>(source, 'final_sigmas_type', finalSigmasDefault, ['zero', 'sigma_min']),
    lower_order_final: readBoolean(source, 'lower_order_final', defaults.lower_order_final),
    dpm_solver_variant: dpmSolverVariant,
  };
  const spacing = source['timestep_spacing'];
  const withSpacing: SchedulerConfig =
    spacing === undefined || spacing === null
      ? config
      : { ...config, timestep_spacing: readChoice<TimestepSpacing>(source, 'timestep_spacing', 'leading', ['leading', 'trailing', 'linspace']) };
  validateSchedulerConfig(withSpacing);
  return withSpacing;
}

/** Range checks shared by parsed and hand-built configs; throws a UserFacingError naming the key. */
export function validateSchedulerConfig(config: SchedulerConfig): void {
  if (!Number.isInteger(config.num_train_timesteps) || config.num_train_timesteps < 2) {
    throw schedulerConfigError('num_train_timesteps', `must be an integer ≥ 2, got ${config.num_train_timesteps}`, 'SD models use 1000');
  }
  if (!(config.beta_start > 0 && config.beta_start < 1)) {
    throw schedulerConfigError('beta_start', `must lie in (0, 1), got ${config.beta_start}`, 'SD models use 0.00085');
  }
  if (!(config.beta_end >= config.beta_start && config.beta_end < 1)) {
    throw schedulerConfigError('beta_end', `must lie in [beta_start, 1), got ${config.beta_end}`, 'SD models use 0.012');
  }
  if (!Number.isInteger(config.steps_offset) || config.steps_offset < 0) {
    throw schedulerConfigError('steps_offset', `must be a non-negative integer, got ${config.steps_offset}`, 'SD 1.x uses 1');
  }
  if (!(config.clip_sample_range > 0)) {
    throw schedulerConfigError('clip_sample_range', `must be > 0, got ${config.clip_sample_range}`, 'The diffusers default is 1.0');
  }
  if (config.dpm_solver_variant === 'diffusers-0.20' && config.final_sigmas_type !== 'sigma_min') {
    throw schedulerConfigError('final_sigmas_type', `"${config.final_sigmas_type}" cannot go with dpm_solver_variant "diffusers-0.20", which always ends at t = 0`, 'Set final_sigmas_type to "sigma_min" or remove it');
  }
}

function readNumber(source: JsonObject, key: string, fallback: number): number {
  const value = source[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw schedulerConfigError(key, `expected a finite number, got ${JSON.stringify(value)}`, `Fix or remove "${key}"`);
  }
  return value;
}

function readInteger(source: JsonObject, key: string, fallback: number, minimum: number): number {
  const value = readNumber(source, key, fallback);
  if (!Number.isInteger(value) || value < minimum) {
    throw schedulerConfigError(key, `expected an integer ≥ ${minimum}, got ${value}`, `Fix or remove "${key}"`);
  }
  return value;
}

function readBoolean(source: JsonObject, key: string, fallback: boolean): boolean {
  const value = source[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw schedulerConfigError(key, `expected true or false, got ${JSON.stringify(value)}`, `Fix or remove "${key}"`);
  }
  return value;
}

function readChoice<T extends string>(source: JsonObject, key: string, fallback: T, choices: readonly T[]): T {
  const value = source[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw schedulerConfigError(key, `expected one of ${choices.map((c) => `"${c}"`).join(', ')}, got ${JSON.stringify(value)}`, `Set "${key}" to a supported value`);
  }
  return value as T;
}
