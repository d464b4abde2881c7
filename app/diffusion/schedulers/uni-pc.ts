/**
 * UniPC (Zhao et al. 2023), multistep with data prediction, B(h) = h ("uni_pc", variant bh1) or
 * e^h − 1 ("uni_pc_bh2"), as ComfyUI's comfy/extra_samplers/uni_pc.py runs it: order
 * min(3, N − 1), lower orders for the first and last updates, the corrector (UniC) after every
 * update but the last, a final σ of 0.001 instead of 0, and the σ before 0 dropped from the plan.
 *
 * It works on variance-preserving latents x_vp = α·x (α = 1/sqrt(1 + σ²), λ = −ln σ). ComfyUI's
 * update to t_k predicts x_k, evaluates D there and corrects x_k with that same D, which is then
 * the history for the next update. Here step k receives D at the predicted x_k (its own model
 * evaluation), first corrects x_k, then predicts x_{k+1}: the same evaluations in the same order.
 * The state keeps the corrector's base (x_t_ in ComfyUI) and the last x0 predictions.
 */
import { Matrix, solve } from 'ml-matrix';
import type { StepInput, StepUpdate } from './sampler-descriptor.js';
import type { SamplingPlan } from './sampling-types.js';
import { elementwise, kDiffusionDescriptor, stepDenoised } from './k-diffusion-sampler.js';

type Variant = 'bh1' | 'bh2';

/** sample_unipc replaces a final σ of 0 by this (the last update lands there). */
const FINAL_SIGMA = 0.001;
const MAX_ORDER = 3;

const alphaOf = (sigma: number): number => 1 / Math.sqrt(1 + sigma * sigma);

/** σ of update target k (1 … N): the plan's σ_k, or the run's end. */
function targetSigma(plan: SamplingPlan, k: number): number {
  const step = plan.steps[k];
  if (step !== undefined) return step.sigma;
  const last = plan.steps[plan.steps.length - 1]!.sigmaNext;
  return last === 0 ? FINAL_SIGMA : last;
}

/** The order of the update that lands on t_k (ComfyUI's init phase, then lower_order_final). */
function updateOrder(k: number, steps: number): number {
  const maxOrder = Math.min(MAX_ORDER, steps - 1);
  return k < maxOrder ? k : Math.min(maxOrder, steps + 1 - k);
}

interface Update {
  /** The first-order part, x_t_ = (s_t/s_0)·x − α_t·(e^(−h) − 1)·D_0 (as ComfyUI's h_phi_1 = expm1(−h)). */
  readonly baseScale: number;
  readonly denoisedScale: number;
  /** α_t·B(h): the weight of the higher-order corrections. */
  readonly correctionScale: number;
  /** r_i = (λ_{prev i} − λ_{prev 0})/h for the older predictions i = 1 … p − 1. */
  readonly ratios: readonly number[];
  readonly predictorWeights: readonly number[];
  readonly correctorWeights: readonly number[];
}

/** multistep_uni_pc_bh_update's coefficients for the update from σ's `previous` (newest first) to `target`, order p. */
function updateCoefficients(previous: readonly number[], target: number, order: number, variant: Variant): Update {
  const lambda = (sigma: number): number => -Math.log(sigma);
  const h = lambda(target) - lambda(previous[0]!);
  const ratios = previous.slice(1, order).map((sigma) => (lambda(sigma) - lambda(previous[0]!)) / h);
  const hh = -h;
  const hPhi1 = Math.expm1(hh);
  const bh = variant === 'bh1' ? hh : Math.expm1(hh);
  const rks = [...ratios, 1];
  const rows: number[][] = [];
  const rhs: number[] = [];
  let hPhiK = hPhi1 / hh - 1;
  let factorial = 1;
  for (let i = 1; i <= order; i++) {
    rows.push(rks.map((rk) => rk ** (i - 1)));
    rhs.push((hPhiK * factorial) / bh);
    factorial *= i + 1;
    hPhiK = hPhiK / hh - 1 / factorial;
  }
  const solved = (size: number): number[] => solve(new Matrix(rows.slice(0, size).map((row) => row.slice(0, size))), Matrix.columnVector(rhs.slice(0, size))).to1DArray();
  const alphaT = alphaOf(target);
  return {
    baseScale: (target * alphaT) / (previous[0]! * alphaOf(previous[0]!)),
    denoisedScale: -alphaT * hPhi1,
    correctionScale: alphaT * bh,
    ratios,
    predictorWeights: order === 1 ? [] : order === 2 ? [0.5] : solved(order - 1),
    correctorWeights: order === 1 ? [0.5] : solved(order),
  };
}

/** Σ_i w_i·(D_i − D_0)/r_i over the older predictions (newest first after D_0). */
function differenceSum(models: readonly Float32Array[], update: Update, weights: readonly number[], i: number): number {
  const newest = models[0]![i] as number;
  return update.ratios.reduce((sum, ratio, j) => sum + (weights[j] as number) * (((models[j + 1]![i] as number) - newest) / ratio), 0);
}

function uniPcStep(input: StepInput, variant: Variant): StepUpdate {
  const { plan, state, step } = input;
  const k = state.position;
  const steps = plan.steps.length;
  const denoised = stepDenoised(input);
  const olderModels = (state.history ?? []).slice(1);
  // Below order 1 (a 1-step run) ComfyUI makes no update: it only rescales to the final σ.
  if (steps < 2) return { sample: elementwise(denoised.length, (i) => ((state.sample[i] as number) * alphaOf(step.sigma)) / alphaOf(targetSigma(plan, 1))), denoised };
  const sigmas = (count: number, newest: number): number[] => Array.from({ length: count }, (_, j) => targetSigma(plan, newest - j));
  let corrected: Float32Array;
  if (k === 0) {
    corrected = elementwise(denoised.length, (i) => (state.sample[i] as number) * alphaOf(step.sigma));
  } else {
    const order = updateOrder(k, steps);
    const update = updateCoefficients(sigmas(order, k - 1), step.sigma, order, variant);
    const base = state.history![0]!;
    const last = update.correctorWeights[order - 1] as number;
    corrected = elementwise(denoised.length, (i) =>
      (base[i] as number) - update.correctionScale * (differenceSum(olderModels, update, update.correctorWeights, i) + last * ((denoised[i] as number) - (olderModels[0]![i] as number))),
    );
  }
  const models = [denoised, ...olderModels].slice(0, MAX_ORDER);
  const order = updateOrder(k + 1, steps);
  const target = targetSigma(plan, k + 1);
  const update = updateCoefficients(sigmas(order, k), target, order, variant);
  const nextBase = elementwise(denoised.length, (i) => update.baseScale * (corrected[i] as number) + update.denoisedScale * (denoised[i] as number));
  const alphaT = alphaOf(target);
  const sample = elementwise(denoised.length, (i) => {
    const prediction = order > 1 ? update.correctionScale * differenceSum(models, update, update.predictorWeights, i) : 0;
    return ((nextBase[i] as number) - prediction) / alphaT;
  });
  return { sample, denoised, history: [nextBase, ...models] };
}

export const UNI_PC = kDiffusionDescriptor({ name: 'uni_pc', label: 'UniPC', stepNoiseDraws: 0, discardPenultimateSigma: true, step: (input) => uniPcStep(input, 'bh1') });

export const UNI_PC_BH2 = kDiffusionDescriptor({ name: 'uni_pc_bh2', label: 'UniPC (B(h) = e^h − 1)', stepNoiseDraws: 0, discardPenultimateSigma: true, step: (input) => uniPcStep(input, 'bh2') });
