/**
 * Two more one-evaluation samplers from ComfyUI's comfy/k_diffusion/sampling.py:
 *
 * - ddpm (sample_ddpm / DDPMSampler_step, Ho et al. 2020 eq. 11 between two σ's): in the
 *   variance-preserving latent x/sqrt(1 + σ²) with ε = (x − D)/σ, ᾱ = 1/(1 + σ²), a = ᾱ/ᾱ':
 *   μ = (x_vp − (1 − a)·ε/sqrt(1 − ᾱ))/sqrt(a), + sqrt((1 − a)(1 − ᾱ')/(1 − ᾱ))·z while σ' > 0,
 *   then back to x = μ·sqrt(1 + σ'²).
 * - ipndm (improved PNDM, Zhang & Chen 2023, max order 4): Adams–Bashforth steps on the
 *   derivative d = (x − D)/σ with fixed coefficients over the last min(i + 1, 4) derivatives.
 */
import type { StepInput, StepUpdate } from './sampler-descriptor.js';
import { derivative, elementwise, kDiffusionDescriptor, stepDenoised } from './k-diffusion-sampler.js';

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

function ipndmStep(input: StepInput): StepUpdate {
  const { state, step } = input;
  const x = state.sample;
  const denoised = stepDenoised(input);
  const derivatives: ArrayLike<number>[] = [derivative(x, denoised, step.sigma), ...(state.history ?? [])];
  const weights = IPNDM_WEIGHTS[Math.min(state.position, IPNDM_WEIGHTS.length - 1, derivatives.length - 1)] as readonly number[];
  const dt = step.sigmaNext - step.sigma;
  const sample = elementwise(x.length, (i) => (x[i] as number) + dt * weights.reduce((sum, weight, j) => sum + weight * ((derivatives[j] as ArrayLike<number>)[i] as number), 0));
  return { sample, denoised, history: derivatives.slice(0, IPNDM_WEIGHTS.length - 1).map((values) => Float32Array.from(values)) };
}

export const DDPM = kDiffusionDescriptor({ name: 'ddpm', label: 'DDPM', stepNoiseDraws: 1, step: ddpmStep });

export const IPNDM = kDiffusionDescriptor({ name: 'ipndm', label: 'iPNDM', stepNoiseDraws: 0, step: ipndmStep });
