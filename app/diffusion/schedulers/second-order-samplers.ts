/**
 * The second-order ODE samplers of Karras et al. 2022 as k-diffusion writes them, each evaluating
 * the model twice per step (once on the last step, which is a plain Euler step to σ = 0):
 *
 * - heun (Algorithm 2, S_churn = 0): d = (x − D(x; σ))/σ, x₂ = x + d·(σ' − σ),
 *   x' = x + ½(d + (x₂ − D(x₂; σ'))/σ')·(σ' − σ).
 * - dpm_2 (DPM-Solver-2 in σ): σ_mid = exp(½(ln σ + ln σ')), x₂ = x + d·(σ_mid − σ),
 *   x' = x + (x₂ − D(x₂; σ_mid))/σ_mid · (σ' − σ).
 * - dpm_2_ancestral: dpm_2 down to σ_down (get_ancestral_step, eta = 1), then + σ_up·z.
 * - heunpp2 (ComfyUI's Heun++): Heun with a third evaluation at σ_{i+2} (Euler from x₂), the
 *   derivatives weighted w₂ = σ_{i+1}/(3σ₀), w₃ = σ_{i+2}/(3σ₀), w₁ = 1 − w₂ − w₃ (σ₀ the run's
 *   first σ); two evaluations with weights over 2σ₀ when σ_{i+2} ends the run, one on the last step.
 */
import type { StepInput, StepProgram } from './sampler-descriptor.js';
import { ancestralSigmas } from './euler-ancestral.js';
import type { SamplingPlan } from './sampling-types.js';
import { denoisedAt, derivative, elementwise, kDiffusionDescriptor, stepDenoised } from './k-diffusion-sampler.js';

/** The Euler predictor both Heun samplers start from: d at (x, σ) and x + d·(σ' − σ). */
function eulerPredictor(input: StepInput): { x: Float32Array; denoised: Float32Array; d: Float64Array; dt: number; euler: Float32Array } {
  const { state, step } = input;
  const x = state.sample;
  const denoised = stepDenoised(input);
  const d = derivative(x, denoised, step.sigma);
  const dt = step.sigmaNext - step.sigma;
  return { x, denoised, d, dt, euler: elementwise(x.length, (i) => (x[i] as number) + (d[i] as number) * dt) };
}

function* heunStep(input: StepInput): StepProgram {
  const { plan, step } = input;
  const { x, denoised, d, dt, euler } = eulerPredictor(input);
  if (step.sigmaNext === 0) return { sample: euler, denoised };
  const corrected = yield* denoisedAt(plan, euler, step.sigmaNext);
  const dNext = derivative(euler, corrected, step.sigmaNext);
  return { sample: elementwise(x.length, (i) => (x[i] as number) + (((d[i] as number) + (dNext[i] as number)) / 2) * dt), denoised };
}

/** One DPM-Solver-2 step from σ to `target` (σ' for dpm_2, σ_down for the ancestral one). */
function* midpointStep(input: StepInput, target: number): StepProgram {
  const { plan, state, step } = input;
  const x = state.sample;
  const denoised = stepDenoised(input);
  const d = derivative(x, denoised, step.sigma);
  if (target === 0) return { sample: elementwise(x.length, (i) => (x[i] as number) + (d[i] as number) * (target - step.sigma)), denoised };
  // torch's lerp(ln σ, ln target, 0.5) = ln σ + 0.5·(ln target − ln σ).
  const logSigma = Math.log(step.sigma);
  const sigmaMid = Math.exp(logSigma + 0.5 * (Math.log(target) - logSigma));
  const toMid = elementwise(x.length, (i) => (x[i] as number) + (d[i] as number) * (sigmaMid - step.sigma));
  const midDenoised = yield* denoisedAt(plan, toMid, sigmaMid);
  const dMid = derivative(toMid, midDenoised, sigmaMid);
  return { sample: elementwise(x.length, (i) => (x[i] as number) + (dMid[i] as number) * (target - step.sigma)), denoised };
}

function* dpm2AncestralStep(input: StepInput): StepProgram {
  const { step, noise } = input;
  const { sigmaUp, sigmaDown } = ancestralSigmas(step.sigma, step.sigmaNext);
  const down = yield* midpointStep(input, sigmaDown);
  if (sigmaDown === 0) return down;
  const fresh = noise[0] as Float32Array;
  return { sample: elementwise(down.sample.length, (i) => (down.sample[i] as number) + (fresh[i] as number) * sigmaUp), denoised: down.denoised };
}

/** σ_j of the run, the last step's σ_next past the end. */
function runSigma(plan: SamplingPlan, j: number): number {
  return plan.steps[j]?.sigma ?? plan.steps[plan.steps.length - 1]!.sigmaNext;
}

function* heunpp2Step(input: StepInput): StepProgram {
  const { plan, state, step } = input;
  const { x, denoised, d, dt, euler: toNext } = eulerPredictor(input);
  const end = runSigma(plan, plan.steps.length);
  if (step.sigmaNext === end) return { sample: toNext, denoised };
  const dNext = derivative(toNext, yield* denoisedAt(plan, toNext, step.sigmaNext), step.sigmaNext);
  const sigmaAfter = runSigma(plan, state.position + 2);
  const first = runSigma(plan, 0);
  if (sigmaAfter === end) {
    const w2 = step.sigmaNext / (2 * first);
    return { sample: elementwise(x.length, (i) => (x[i] as number) + ((d[i] as number) * (1 - w2) + (dNext[i] as number) * w2) * dt), denoised };
  }
  const toAfter = elementwise(x.length, (i) => (toNext[i] as number) + (dNext[i] as number) * (sigmaAfter - step.sigmaNext));
  const dAfter = derivative(toAfter, yield* denoisedAt(plan, toAfter, sigmaAfter), sigmaAfter);
  const w2 = step.sigmaNext / (3 * first);
  const w3 = sigmaAfter / (3 * first);
  const w1 = 1 - w2 - w3;
  return { sample: elementwise(x.length, (i) => (x[i] as number) + (w1 * (d[i] as number) + w2 * (dNext[i] as number) + w3 * (dAfter[i] as number)) * dt), denoised };
}

export const HEUNPP2 = kDiffusionDescriptor({ name: 'heunpp2', label: 'Heun++ 2', stepNoiseDraws: 0, step: heunpp2Step });

export const HEUN = kDiffusionDescriptor({ name: 'heun', label: 'Heun', stepNoiseDraws: 0, step: heunStep });

export const DPM_2 = kDiffusionDescriptor({
  name: 'dpm_2',
  label: 'DPM2',
  stepNoiseDraws: 0,
  discardPenultimateSigma: true,
  step: (input) => midpointStep(input, input.step.sigmaNext),
});

export const DPM_2_ANCESTRAL = kDiffusionDescriptor({ name: 'dpm_2_ancestral', label: 'DPM2 a', stepNoiseDraws: 1, discardPenultimateSigma: true, step: dpm2AncestralStep });
