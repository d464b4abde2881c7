/**
 * The training noise schedule every sampler shares: betas → ᾱ_t (alphas_cumprod) → the
 * k-diffusion noise level σ_t = sqrt((1 − ᾱ_t) / ᾱ_t) at each of the training timesteps, plus the
 * two conversions diffusers uses to move between σ and t (linear interpolation of σ over t, and
 * `_sigma_to_t`'s interpolation in log σ) and the Karras et al. (2022) σ ramp.
 *
 * Computed in float64. diffusers builds the same tables in float32 torch tensors, so individual
 * values agree to about 1e-6 relative, not bit for bit (torch's float32 `linspace` rounding is
 * itself CPU-dependent); the timesteps, which are integers or rounded, agree exactly.
 */
import type { SchedulerConfig } from './scheduler-config.js';
import { linspace } from './numpy-ranges.js';

export interface TrainingNoiseSchedule {
  /** ᾱ_t for t = 0 … num_train_timesteps − 1. */
  readonly alphasCumprod: Float64Array;
  /** σ_t = sqrt((1 − ᾱ_t) / ᾱ_t), increasing with t. */
  readonly sigmas: Float64Array;
  /** ln σ_t, for σ → t conversion. */
  readonly logSigmas: Float64Array;
}

/** diffusers `__init__`: betas from beta_schedule, alphas = 1 − betas, alphas_cumprod = cumprod(alphas). */
export function trainingNoiseSchedule(config: SchedulerConfig): TrainingNoiseSchedule {
  const count = config.num_train_timesteps;
  // "scaled_linear" is linear in sqrt(beta), squared: the schedule Stable Diffusion was trained with.
  const betas =
    config.beta_schedule === 'linear'
      ? linspace(config.beta_start, config.beta_end, count)
      : linspace(Math.sqrt(config.beta_start), Math.sqrt(config.beta_end), count).map((root) => root * root);
  const alphasCumprod = new Float64Array(count);
  const sigmas = new Float64Array(count);
  const logSigmas = new Float64Array(count);
  let product = 1;
  for (let t = 0; t < count; t++) {
    product *= 1 - (betas[t] as number);
    alphasCumprod[t] = product;
    sigmas[t] = Math.sqrt((1 - product) / product);
    logSigmas[t] = Math.log(sigmas[t] as number);
  }
  return { alphasCumprod, sigmas, logSigmas };
}

/** `np.interp(t, arange(T), sigmas)`: σ at a (possibly fractional) timestep, clamped to the table's ends. */
export function sigmaAtTimestep(schedule: TrainingNoiseSchedule, timestep: number): number {
  const table = schedule.sigmas;
  const last = table.length - 1;
  if (timestep <= 0) return table[0] as number;
  if (timestep >= last) return table[last] as number;
  const low = Math.floor(timestep);
  const lowValue = table[low] as number;
  if (timestep === low) return lowValue;
  // numpy's interp: slope · (x − x_j) + y_j.
  const slope = (table[low + 1] as number) - lowValue;
  return slope * (timestep - low) + lowValue;
}

/**
 * diffusers `_sigma_to_t`: the fractional timestep whose σ equals `sigma`, interpolating linearly
 * in ln σ between the two bracketing training timesteps (clamped to the table's range).
 */
export function timestepForSigma(schedule: TrainingNoiseSchedule, sigma: number): number {
  const logSigmas = schedule.logSigmas;
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  // Last index whose ln σ is ≤ ln sigma (0 if none), kept one short of the end so high = low + 1 exists.
  let low = 0;
  for (let i = 0; i < logSigmas.length; i++) {
    if (logSigma - (logSigmas[i] as number) >= 0) low = i;
  }
  low = Math.min(low, logSigmas.length - 2);
  const lowLog = logSigmas[low] as number;
  const highLog = logSigmas[low + 1] as number;
  const weight = Math.min(1, Math.max(0, (lowLog - logSigma) / (lowLog - highLog)));
  return (1 - weight) * low + weight * (low + 1);
}

/**
 * Karras et al. 2022, eq. (5): σ_i = (σ_max^(1/ρ) + i/(n−1) · (σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ, ρ = 7,
 * for i = 0 … n − 1 (diffusers `_convert_to_karras`).
 */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, count: number, rho = 7): number[] {
  const minInvRho = sigmaMin ** (1 / rho);
  const maxInvRho = sigmaMax ** (1 / rho);
  return linspace(0, 1, count).map((ramp) => (maxInvRho + ramp * (minInvRho - maxInvRho)) ** rho);
}
