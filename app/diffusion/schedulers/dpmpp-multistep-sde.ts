/**
 * The multistep DPM-Solver++ SDE samplers (Lu et al. 2022; k-diffusion / ComfyUI), eta = 1,
 * s_noise = 1, one model evaluation per step, written with h = ln σ − ln σ' and D_k the x0
 * predictions of the current (D), previous (D₁) and earlier (D₂) steps:
 *
 * - dpmpp_2m_sde (solver_type "midpoint"):
 *   x' = (σ'/σ)·e^(−h)·x + (1 − e^(−2h))·D [+ ½(1 − e^(−2h))·(D − D₁)·h/h₁] + σ'·sqrt(1 − e^(−2h))·z
 * - dpmpp_2m_sde_heun (solver_type "heun"): the correction's ½(1 − e^(−2h)) becomes
 *   (1 − e^(−2h))/(−2h) + 1.
 * - dpmpp_3m_sde: x' = e^(−2h)·x + (1 − e^(−2h))·D + φ₂·d₁ − φ₃·d₂ + σ'·sqrt(1 − e^(−2h))·z with
 *   the second/third-order corrections from D₁, D₂ (first and second steps use fewer).
 *
 * A step to σ' = 0 returns D.
 */
import type { StepInput, StepUpdate } from './sampler-descriptor.js';
import { earlierSigma, elementwise, kDiffusionDescriptor, stepDenoised } from './k-diffusion-sampler.js';

/** ln σ_{i−1} − ln σ_i for the step `back` steps ago (back = 1: the previous step's h). */
function earlierH({ plan, state, step }: StepInput, back: number): number {
  const later = back === 1 ? step.sigma : earlierSigma(plan, state.position, back - 1);
  return Math.log(earlierSigma(plan, state.position, back)) - Math.log(later);
}

function addNoise(sample: Float32Array, noise: Float32Array, scale: number): Float32Array {
  return elementwise(sample.length, (i) => (sample[i] as number) + (noise[i] as number) * scale);
}

type SolverType = 'midpoint' | 'heun';

function dpmpp2mSdeStep(input: StepInput, solver: SolverType): StepUpdate {
  const { state, step, noise } = input;
  const x = state.sample;
  const denoised = stepDenoised(input);
  if (step.sigmaNext === 0) return { sample: denoised, denoised };
  const h = Math.log(step.sigma) - Math.log(step.sigmaNext);
  const sampleScale = (step.sigmaNext / step.sigma) * Math.exp(-h);
  const denoisedScale = -Math.expm1(-2 * h);
  const previous = state.denoised;
  // The second-order correction, ·(1/r)·(D − D₁) with r = h₁/h.
  const weight = solver === 'midpoint' ? 0.5 * denoisedScale : denoisedScale / (-2 * h) + 1;
  const correction = previous === null ? 0 : weight / (earlierH(input, 1) / h);
  const deterministic = elementwise(x.length, (i) => {
    const d = denoised[i] as number;
    const older = previous === null ? d : (previous[i] as number);
    return sampleScale * (x[i] as number) + denoisedScale * d + correction * (d - older);
  });
  return { sample: addNoise(deterministic, noise[0] as Float32Array, step.sigmaNext * Math.sqrt(-Math.expm1(-2 * h))), denoised };
}

function dpmpp3mSdeStep(input: StepInput): StepUpdate {
  const { state, step, noise } = input;
  const x = state.sample;
  const denoised = stepDenoised(input);
  const history = state.denoised === null ? [] : [state.denoised, ...(state.history ?? [])];
  const kept = { denoised, history: history.slice(0, 1) };
  if (step.sigmaNext === 0) return { sample: denoised, ...kept };
  const h = Math.log(step.sigma) - Math.log(step.sigmaNext);
  const hEta = 2 * h;
  const phi2 = Math.expm1(-hEta) / hEta + 1;
  const base = elementwise(x.length, (i) => Math.exp(-hEta) * (x[i] as number) - Math.expm1(-hEta) * (denoised[i] as number));
  const [d1Array, d2Array] = history;
  let corrected = base;
  if (d1Array !== undefined && d2Array !== undefined) {
    const r0 = earlierH(input, 1) / h;
    const r1 = earlierH(input, 2) / h;
    const phi3 = phi2 / hEta - 0.5;
    corrected = elementwise(x.length, (i) => {
      const d10 = ((denoised[i] as number) - (d1Array[i] as number)) / r0;
      const d11 = ((d1Array[i] as number) - (d2Array[i] as number)) / r1;
      const d1 = d10 + ((d10 - d11) * r0) / (r0 + r1);
      const d2 = (d10 - d11) / (r0 + r1);
      return (base[i] as number) + phi2 * d1 - phi3 * d2;
    });
  } else if (d1Array !== undefined) {
    const r = earlierH(input, 1) / h;
    corrected = elementwise(x.length, (i) => (base[i] as number) + phi2 * (((denoised[i] as number) - (d1Array[i] as number)) / r));
  }
  return { sample: addNoise(corrected, noise[0] as Float32Array, step.sigmaNext * Math.sqrt(-Math.expm1(-2 * h))), ...kept };
}

export const DPMPP_2M_SDE = kDiffusionDescriptor({
  name: 'dpmpp_2m_sde',
  label: 'DPM++ 2M SDE',
  comfyAliases: ['dpmpp_2m_sde_gpu'],
  stepNoiseDraws: 1,
  step: (input) => dpmpp2mSdeStep(input, 'midpoint'),
});

export const DPMPP_2M_SDE_HEUN = kDiffusionDescriptor({
  name: 'dpmpp_2m_sde_heun',
  label: 'DPM++ 2M SDE Heun',
  comfyAliases: ['dpmpp_2m_sde_heun_gpu'],
  stepNoiseDraws: 1,
  step: (input) => dpmpp2mSdeStep(input, 'heun'),
});

export const DPMPP_3M_SDE = kDiffusionDescriptor({ name: 'dpmpp_3m_sde', label: 'DPM++ 3M SDE', comfyAliases: ['dpmpp_3m_sde_gpu'], stepNoiseDraws: 1, step: dpmpp3mSdeStep });
