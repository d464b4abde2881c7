/**
 * Naive float64 transcription of ComfyUI's UniPC (comfy/extra_samplers/uni_pc.py: sample_unipc,
 * UniPC.sample with method "multistep", multistep_uni_pc_bh_update with predict_x0, SigmaConvert's
 * noise schedule), written loop for loop from the Python with its model/timestep lists, as the
 * independent reference for the app's step-at-a-time UniPC. Linear systems by Gaussian elimination.
 */
import type { Denoiser, Vector } from './k-diffusion-samplers.js';

const logMeanCoeff = (sigma: number): number => 0.5 * Math.log(1 / (sigma * sigma + 1));
const marginalAlpha = (t: number): number => Math.exp(logMeanCoeff(t));
const marginalStd = (t: number): number => Math.sqrt(1 - Math.exp(2 * logMeanCoeff(t)));
const marginalLambda = (t: number): number => logMeanCoeff(t) - 0.5 * Math.log(1 - Math.exp(2 * logMeanCoeff(t)));

function gaussianSolve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let row = col + 1; row < n; row++) {
      const factor = a[row]![col]! / a[col]![col]!;
      for (let c = col; c <= n; c++) a[row]![c]! -= factor * a[col]![c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = a[row]![n]!;
    for (let c = row + 1; c < n; c++) sum -= a[row]![c]! * x[c]!;
    x[row] = sum / a[row]![row]!;
  }
  return x;
}

function bhUpdate(modelFn: (x: Vector, t: number) => Vector, x: Vector, models: Vector[], ts: number[], t: number, order: number, useCorrector: boolean, variant: 'bh1' | 'bh2'): [Vector, Vector | null] {
  const tPrev0 = ts[ts.length - 1]!;
  const lambdaPrev0 = marginalLambda(tPrev0);
  const lambdaT = marginalLambda(t);
  const modelPrev0 = models[models.length - 1]!;
  const sigmaPrev0 = marginalStd(tPrev0);
  const sigmaT = marginalStd(t);
  const alphaT = Math.exp(logMeanCoeff(t));
  const h = lambdaT - lambdaPrev0;
  const rks: number[] = [];
  const d1s: Vector[] = [];
  for (let i = 1; i < order; i++) {
    const rk = (marginalLambda(ts[ts.length - (i + 1)]!) - lambdaPrev0) / h;
    rks.push(rk);
    d1s.push(models[models.length - (i + 1)]!.map((v, e) => (v - modelPrev0[e]!) / rk));
  }
  rks.push(1);
  const hh = -h;
  const hPhi1 = Math.expm1(hh);
  let hPhiK = hPhi1 / hh - 1;
  let factorial = 1;
  const bH = variant === 'bh1' ? hh : Math.expm1(hh);
  const R: number[][] = [];
  const b: number[] = [];
  for (let i = 1; i <= order; i++) {
    R.push(rks.map((rk) => rk ** (i - 1)));
    b.push((hPhiK * factorial) / bH);
    factorial *= i + 1;
    hPhiK = hPhiK / hh - 1 / factorial;
  }
  let rhosP: number[] = [];
  if (d1s.length > 0) rhosP = order === 2 ? [0.5] : gaussianSolve(R.slice(0, -1).map((row) => row.slice(0, -1)), b.slice(0, -1));
  const rhosC = useCorrector ? (order === 1 ? [0.5] : gaussianSolve(R, b)) : [];
  const xT_ = x.map((v, e) => (sigmaT / sigmaPrev0) * v - alphaT * hPhi1 * modelPrev0[e]!);
  const predRes = (e: number): number => d1s.reduce((sum, d1, k) => sum + rhosP[k]! * d1[e]!, 0);
  let xT = xT_.map((v, e) => v - alphaT * bH * predRes(e));
  let modelT: Vector | null = null;
  if (useCorrector) {
    const evaluated = modelFn(xT, t);
    modelT = evaluated;
    const corrRes = (e: number): number => d1s.reduce((sum, d1, k) => sum + rhosC[k]! * d1[e]!, 0);
    xT = xT_.map((v, e) => v - alphaT * bH * (corrRes(e) + rhosC[rhosC.length - 1]! * (evaluated[e]! - modelPrev0[e]!)));
  }
  return [xT, modelT];
}

export function sampleUniPc(model: Denoiser, start: Vector, sigmas: readonly number[], variant: 'bh1' | 'bh2'): Vector {
  const timesteps = [...sigmas];
  if (timesteps[timesteps.length - 1] === 0) timesteps[timesteps.length - 1] = 0.001;
  let x = start.map((v) => v / Math.sqrt(1 + timesteps[0]! ** 2));
  // model_wrapper("noise") → data prediction: x0 = (x − σ_t·ε)/α_t with ε from predict_eps_sigma.
  const modelFn = (xVp: Vector, t: number): Vector => {
    const xVe = xVp.map((v) => v * Math.sqrt(t * t + 1));
    const denoised = model(xVe, t);
    const eps = xVe.map((v, e) => (v - denoised[e]!) / t);
    return xVp.map((v, e) => (v - marginalStd(t) * eps[e]!) / marginalAlpha(t));
  };
  const order = Math.min(3, timesteps.length - 2);
  const steps = timesteps.length - 1;
  let models: Vector[] = [];
  let ts: number[] = [];
  for (let stepIndex = 0; stepIndex < steps; stepIndex++) {
    if (stepIndex === 0) {
      models = [modelFn(x, timesteps[0]!)];
      ts = [timesteps[0]!];
    } else if (stepIndex < order) {
      const t = timesteps[stepIndex]!;
      const [next, modelX] = bhUpdate(modelFn, x, models, ts, t, stepIndex, true, variant);
      x = next;
      models.push(modelX ?? modelFn(x, t));
      ts.push(t);
    } else {
      const extra = stepIndex === steps - 1 ? 1 : 0;
      for (let step = stepIndex; step <= stepIndex + extra; step++) {
        const t = timesteps[step]!;
        const stepOrder = Math.min(order, steps + 1 - step);
        const [next, modelX] = bhUpdate(modelFn, x, models, ts, t, stepOrder, step !== steps, variant);
        x = next;
        for (let i = 0; i < order - 1; i++) {
          ts[i] = ts[i + 1]!;
          models[i] = models[i + 1]!;
        }
        ts[ts.length - 1] = t;
        if (step < steps) models[models.length - 1] = modelX ?? modelFn(x, t);
      }
    }
  }
  return x.map((v) => v / marginalAlpha(timesteps[timesteps.length - 1]!));
}
