/**
 * Two one-evaluation samplers from k-diffusion / ComfyUI:
 *
 * - lms (linear multistep, order 4): x' = x + Σ_j c_j·d_{i−j} over the last min(i + 1, 4)
 *   derivatives d = (x − D)/σ, with c_j = ∫_{σ_i}^{σ_{i+1}} Π_{k≠j} (τ − σ_{i−k})/(σ_{i−j} − σ_{i−k}) dτ
 *   (the Lagrange basis through the earlier σ's). k-diffusion integrates with scipy's quad; the
 *   integrand is a polynomial of degree ≤ 3, which 3-point Gauss–Legendre integrates exactly.
 * - lcm (Latent Consistency Models): x' = D(x; σ), plus σ'·z while σ' > 0.
 */
import type { StepInput, StepUpdate } from './sampler-descriptor.js';
import { derivative, earlierSigma, elementwise, kDiffusionDescriptor, stepDenoised } from './k-diffusion-sampler.js';

const LMS_ORDER = 4;

/** 3-point Gauss–Legendre on [−1, 1]: exact for polynomials up to degree 5. */
const GAUSS_NODES = [-Math.sqrt(3 / 5), 0, Math.sqrt(3 / 5)];
const GAUSS_WEIGHTS = [5 / 9, 8 / 9, 5 / 9];

function integrate(polynomial: (tau: number) => number, from: number, to: number): number {
  const half = (to - from) / 2;
  const middle = (to + from) / 2;
  return half * GAUSS_NODES.reduce((sum, node, k) => sum + (GAUSS_WEIGHTS[k] as number) * polynomial(middle + half * node), 0);
}

/** k-diffusion linear_multistep_coeff: σ's are [σ_i, σ_{i−1}, …] (most recent first). */
function multistepCoefficient(sigmas: readonly number[], sigmaNext: number, j: number): number {
  const lagrange = (tau: number): number =>
    sigmas.reduce((product, sigmaK, k) => (k === j ? product : (product * (tau - sigmaK)) / ((sigmas[j] as number) - sigmaK)), 1);
  return integrate(lagrange, sigmas[0] as number, sigmaNext);
}

function lmsStep(input: StepInput): StepUpdate {
  const { plan, state, step } = input;
  const x = state.sample;
  const denoised = stepDenoised(input);
  const derivatives: ArrayLike<number>[] = [derivative(x, denoised, step.sigma), ...(state.history ?? [])].slice(0, LMS_ORDER);
  const order = Math.min(state.position + 1, LMS_ORDER, derivatives.length);
  const sigmas = Array.from({ length: order }, (_, k) => (k === 0 ? step.sigma : earlierSigma(plan, state.position, k)));
  const coefficients = sigmas.map((_, j) => multistepCoefficient(sigmas, step.sigmaNext, j));
  const sample = elementwise(x.length, (i) => coefficients.reduce((sum, coefficient, j) => sum + coefficient * ((derivatives[j] as ArrayLike<number>)[i] as number), x[i] as number));
  // Kept as float32 like every other latent-sized array of the state.
  return { sample, denoised, history: derivatives.slice(0, LMS_ORDER - 1).map((values) => Float32Array.from(values)) };
}

function lcmStep(input: StepInput): StepUpdate {
  const { step, noise } = input;
  const denoised = stepDenoised(input);
  if (step.sigmaNext === 0) return { sample: denoised, denoised };
  const fresh = noise[0] as Float32Array;
  return { sample: elementwise(denoised.length, (i) => (denoised[i] as number) + (fresh[i] as number) * step.sigmaNext), denoised };
}

export const LMS = kDiffusionDescriptor({ name: 'lms', label: 'LMS', stepNoiseDraws: 0, step: lmsStep });

export const LCM = kDiffusionDescriptor({ name: 'lcm', label: 'LCM', stepNoiseDraws: 1, step: lcmStep });
