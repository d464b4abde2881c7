/**
 * Test fixtures for the scheduler tests: a linear-Gaussian "UNet" whose ideal output is known in
 * closed form, and the sampling loop a real pipeline runs (written once here so each test states
 * only what it checks).
 *
 * Data: x0 ~ N(mean_i, std²) independently per element i (std = 0 is a point mass at `mean`).
 * Noised at level σ (k-diffusion, variance exploding): x = x0 + σ·ε, so the posterior mean is
 *   D(x; σ) = mean + std²/(std² + σ²) · (x − mean)            (Gaussian conditioning)
 * The UNet receives the variance-preserving input x·α (α = 1/sqrt(1 + σ²)) and answers with ε,
 * x0 or v = α·ε − σα·x0 depending on its prediction type.
 */
import type { PredictionType } from '../../../app/diffusion/schedulers/scheduler-config.js';
import type { SamplingPlan } from '../../../app/diffusion/schedulers/sampling-types.js';
import { advanceSampler, isSamplingDone, startSampling } from '../../../app/diffusion/schedulers/sampler-state.js';
import type { GaussianNoiseStream } from '../../../app/diffusion/noise/gaussian-noise.js';

export type ToyModel = (input: Float32Array, sigma: number) => Float32Array;

/** Posterior mean E[x0 | x0 + σε = x] for the Gaussian data above. */
export function idealDenoised(x: number, sigma: number, mean: number, std: number): number {
  return mean + ((std * std) / (std * std + sigma * sigma)) * (x - mean);
}

export function gaussianModel(prediction: PredictionType, means: Float32Array, std: number): ToyModel {
  return (input, sigma) => {
    const alpha = 1 / Math.sqrt(1 + sigma * sigma);
    const output = new Float32Array(input.length);
    for (let i = 0; i < input.length; i++) {
      const x = (input[i] as number) / alpha;
      const denoised = idealDenoised(x, sigma, means[i] as number, std);
      const epsilon = (x - denoised) / sigma;
      output[i] = prediction === 'epsilon' ? epsilon : prediction === 'sample' ? denoised : alpha * epsilon - sigma * alpha * denoised;
    }
    return output;
  };
}

/**
 * Run a plan from `latents` to the end through advanceSampler, the app's step; returns every
 * intermediate sample (index k = after step k).
 */
export async function runSampling(plan: SamplingPlan, latents: Float32Array, model: ToyModel, noise?: GaussianNoiseStream): Promise<Float32Array[]> {
  let state = startSampling(plan, latents);
  const trajectory: Float32Array[] = [];
  while (!isSamplingDone(plan, state)) {
    const stepNoise = plan.needsStepNoise ? noise?.next(latents.length) : undefined;
    state = await advanceSampler(plan, state, async ({ sample, sigma }) => model(sample, sigma), stepNoise);
    trajectory.push(state.sample);
  }
  return trajectory;
}

export function meanAndStd(values: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(squares / (values.length - 1)) };
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}
