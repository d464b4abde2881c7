/**
 * The single-step DPM-Solver++ samplers (Lu et al. 2022) with ancestral / SDE noise, as k-diffusion
 * writes them in t = −ln σ (so σ(t) = e^(−t)); each evaluates the model twice per step, once on
 * the last step (a plain Euler step to σ = 0).
 *
 * - dpmpp_2s_ancestral: second-order step with a midpoint at s = t + h/2 towards σ_down, then
 *   + σ_up·z (get_ancestral_step, eta = 1).
 * - dpmpp_sde (eta = 1, r = ½): an ancestral half-step to σ_s = sqrt(σ·σ') with noise, D(x₂; σ_s),
 *   then the ancestral step to σ' using D(x₂; σ_s) (fac = 1/(2r) = 1) with noise again.
 */
import type { StepInput, StepProgram } from './sampler-descriptor.js';
import { ancestralSigmas } from './euler-ancestral.js';
import { denoisedAt, derivative, elementwise, kDiffusionDescriptor, stepDenoised } from './k-diffusion-sampler.js';

/** The step to σ = 0 both take: x + d·(0 − σ). */
function eulerToZero(x: Float32Array, denoised: Float32Array, sigma: number): Float32Array {
  const d = derivative(x, denoised, sigma);
  return elementwise(x.length, (i) => (x[i] as number) + (d[i] as number) * (0 - sigma));
}

/** The first-order DPM-Solver++ update from σ to `target` with x0 prediction D: (target/σ)·x − expm1(ln target − ln σ)·D. */
function dataPredictionStep(x: Float32Array, denoised: Float32Array, sigma: number, target: number): Float32Array {
  const ratio = target / sigma;
  const weight = -Math.expm1(Math.log(target) - Math.log(sigma));
  return elementwise(x.length, (i) => ratio * (x[i] as number) + weight * (denoised[i] as number));
}

function* dpmpp2sAncestralStep(input: StepInput): StepProgram {
  const { plan, state, step, noise } = input;
  const x = state.sample;
  const denoised = stepDenoised(input);
  const { sigmaUp, sigmaDown } = ancestralSigmas(step.sigma, step.sigmaNext);
  let sample: Float32Array;
  if (sigmaDown === 0) {
    sample = eulerToZero(x, denoised, step.sigma);
  } else {
    const t = -Math.log(step.sigma);
    const h = -Math.log(sigmaDown) - t;
    const sigmaMid = Math.exp(-(t + h / 2));
    const toMid = dataPredictionStep(x, denoised, step.sigma, sigmaMid);
    const midDenoised = yield* denoisedAt(plan, toMid, sigmaMid);
    sample = dataPredictionStep(x, midDenoised, step.sigma, sigmaDown);
  }
  if (step.sigmaNext > 0) {
    const fresh = noise[0] as Float32Array;
    const down = sample;
    sample = elementwise(x.length, (i) => (down[i] as number) + (fresh[i] as number) * sigmaUp);
  }
  return { sample, denoised };
}

/**
 * The unit Brownian increments over (σ, σ_s) and (σ, σ'), σ > σ_s > σ': they share the part over
 * (σ, σ_s), so the second is correlated with the first by sqrt((σ − σ_s)/(σ − σ')).
 */
function nestedIncrements(first: Float32Array, second: Float32Array, sigma: number, sigmaMid: number, sigmaNext: number): [Float32Array, Float32Array] {
  const shared = (sigma - sigmaMid) / (sigma - sigmaNext);
  const kept = Math.sqrt(shared);
  const added = Math.sqrt(1 - shared);
  return [first, elementwise(first.length, (i) => kept * (first[i] as number) + added * (second[i] as number))];
}

function* dpmppSdeStep(input: StepInput): StepProgram {
  const { plan, state, step, noise } = input;
  const x = state.sample;
  const denoised = stepDenoised(input);
  if (step.sigmaNext === 0) return { sample: eulerToZero(x, denoised, step.sigma), denoised };
  const t = -Math.log(step.sigma);
  const sigmaMid = Math.exp(-(t + (-Math.log(step.sigmaNext) - t) / 2));
  const [toMidNoise, fullNoise] = nestedIncrements(noise[0] as Float32Array, noise[1] as Float32Array, step.sigma, sigmaMid, step.sigmaNext);

  const half = ancestralSigmas(step.sigma, sigmaMid);
  const halfStep = dataPredictionStep(x, denoised, step.sigma, half.sigmaDown);
  const toMid = elementwise(x.length, (i) => (halfStep[i] as number) + (toMidNoise[i] as number) * half.sigmaUp);
  const midDenoised = yield* denoisedAt(plan, toMid, sigmaMid);

  const full = ancestralSigmas(step.sigma, step.sigmaNext);
  const fullStep = dataPredictionStep(x, midDenoised, step.sigma, full.sigmaDown);
  return { sample: elementwise(x.length, (i) => (fullStep[i] as number) + (fullNoise[i] as number) * full.sigmaUp), denoised };
}

export const DPMPP_2S_ANCESTRAL = kDiffusionDescriptor({ name: 'dpmpp_2s_ancestral', label: 'DPM++ 2S a', stepNoiseDraws: 1, step: dpmpp2sAncestralStep });

export const DPMPP_SDE = kDiffusionDescriptor({ name: 'dpmpp_sde', label: 'DPM++ SDE', comfyAliases: ['dpmpp_sde_gpu'], stepNoiseDraws: 2, step: dpmppSdeStep });
