/**
 * Two more one-evaluation samplers from ComfyUI's comfy/k_diffusion/sampling.py:
 *
 * - ddpm (sample_ddpm / DDPMSampler_step, Ho et al. 2020 eq. 11 between two σ's): in the
 *   variance-preserving latent x/sqrt(1 + σ²) with ε = (x − D)/σ, ᾱ = 1/(1 + σ²), a = ᾱ/ᾱ':
 *   μ = (x_vp − (1 − a)·ε/sqrt(1 − ᾱ))/sqrt(a), + sqrt((1 − a)(1 − ᾱ')/(1 − ᾱ))·z while σ' > 0,
 *   then back to x = μ·sqrt(1 + σ'²).
 * - ipndm (improved PNDM, Zhang & Chen 2023, max order 4): Adams–Bashforth steps on the
 *   derivative d = (x − D)/σ with fixed coefficients over the last min(i + 1, 4) derivatives.
 * - ipndm_v: the same with variable-step coefficients from the σ spacings (sample_ipndm_v).
 */
import type { StepInput, StepUpdate } from './sampler-descriptor.js';
import { derivative, earlierSigma, elementwise, kDiffusionDescriptor, stepDenoised } from './k-diffusion-sampler.js';

function ddpmStep(input: StepInput): StepUpdate {
  const { state, step, noise } = input;
  const x = state.sample;
  const denoised = stepDenoised(input);
  const { sigma, sigmaNext } = step;
  const alphaProd = 1 / (sigma * sigma + 1);
  const alphaProdNext = 1 / (sigmaNext * sigmaNext + 1);
  const alpha = alphaProd / alphaProdNext;
  const inputScale = 1 / Math.sqrt(1 + sigma * sigma);
  const noiseScale = sigmaNext > 0 ? Math.sqrt(((1 - alpha) * (1 - alphaProdNext)) / (1 - alphaProd)) : 0;
  const outputScale = sigmaNext !== 0 ? Math.sqrt(1 + sigmaNext * sigmaNext) : 1;
  const fresh = noise[0] as Float32Array;
  const sample = elementwise(x.length, (i) => {
    const epsilon = ((x[i] as number) - (denoised[i] as number)) / sigma;
    const mean = Math.sqrt(1 / alpha) * ((x[i] as number) * inputScale - ((1 - alpha) * epsilon) / Math.sqrt(1 - alphaProd));
    return (mean + noiseScale * (fresh[i] as number)) * outputScale;
  });
  return { sample, denoised };
}

/** iPNDM's Adams–Bashforth weights for the derivatives, most recent first, by order. */
const IPNDM_WEIGHTS: readonly (readonly number[])[] = [[1], [3 / 2, -1 / 2], [23 / 12, -16 / 12, 5 / 12], [55 / 24, -59 / 24, 37 / 24, -9 / 24]];

/**
 * sample_ipndm_v's weights for orders 2–4 from h_n = σ' − σ and the earlier spacings
 * h_{n−k} = σ_{i−k+1} − σ_{i−k} (all negative for a descending run).
 */
function variableWeights(h: readonly number[]): number[] {
  const [hn, h1, h2, h3] = h as [number, number, number?, number?];
  const base = [(2 + hn / h1) / 2, -(hn / h1) / 2];
  if (h2 === undefined) return base;
  const temp1 = (1 - ((hn / (3 * (hn + h1))) * (hn * (hn + h1))) / (h1 * (h1 + h2))) / 2;
  if (h3 === undefined) return [base[0]! + temp1, base[1]! - (1 + h1 / h2) * temp1, (temp1 * h1) / h2];
  const ratio = (h1 * (h1 + h2)) / (h2 * (h2 + h3));
  const temp2 =
    ((1 - hn / (3 * (hn + h1))) / 2 + ((1 - hn / (2 * (hn + h1))) * hn) / (6 * (hn + h1 + h2))) *
    ((hn * (hn + h1) * (hn + h1 + h2)) / (h1 * (h1 + h2) * (h1 + h2 + h3)));
  return [
    base[0]! + temp1 + temp2,
    base[1]! - (1 + h1 / h2) * temp1 - (1 + h1 / h2 + ratio) * temp2,
    (temp1 * h1) / h2 + (h1 / h2 + ratio * (1 + h2 / h3)) * temp2,
    ((-temp2 * ratio) * h1) / h2,
  ];
}

function ipndmWeights(input: StepInput, variable: boolean, order: number): readonly number[] {
  if (!variable || order === 1) return IPNDM_WEIGHTS[order - 1] as readonly number[];
  const { plan, state, step } = input;
  const sigmas = [step.sigmaNext, step.sigma, ...Array.from({ length: order - 1 }, (_, k) => earlierSigma(plan, state.position, k + 1))];
  return variableWeights(sigmas.slice(0, -1).map((sigma, k) => sigma - (sigmas[k + 1] as number)));
}

function ipndmStep(input: StepInput, variable: boolean): StepUpdate {
  const { state, step } = input;
  const x = state.sample;
  const denoised = stepDenoised(input);
  const derivatives: ArrayLike<number>[] = [derivative(x, denoised, step.sigma), ...(state.history ?? [])];
  const weights = ipndmWeights(input, variable, Math.min(state.position + 1, IPNDM_WEIGHTS.length, derivatives.length));
  const dt = step.sigmaNext - step.sigma;
  const sample = elementwise(x.length, (i) => (x[i] as number) + dt * weights.reduce((sum, weight, j) => sum + weight * ((derivatives[j] as ArrayLike<number>)[i] as number), 0));
  return { sample, denoised, history: derivatives.slice(0, IPNDM_WEIGHTS.length - 1).map((values) => Float32Array.from(values)) };
}

export const DDPM = kDiffusionDescriptor({ name: 'ddpm', label: 'DDPM', stepNoiseDraws: 1, step: ddpmStep });

export const IPNDM = kDiffusionDescriptor({ name: 'ipndm', label: 'iPNDM', stepNoiseDraws: 0, step: (input) => ipndmStep(input, false) });

export const IPNDM_V = kDiffusionDescriptor({ name: 'ipndm_v', label: 'iPNDM (variable step)', stepNoiseDraws: 0, step: (input) => ipndmStep(input, true) });
