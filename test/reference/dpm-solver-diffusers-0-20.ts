/**
 * diffusers 0.20.2's DPMSolverMultistepScheduler as a plain loop — algorithm_type "dpmsolver++",
 * solver_order 2, solver_type "midpoint", lambda_min_clipped −∞, no thresholding — the version the
 * ScaleCrafter reference pins (requirements.txt: diffusers==0.20.2). Written from that version's
 * set_timesteps / step, apart from app/diffusion/schedulers, as an independent reference:
 *
 * - Tables as its torch float32 tensors: ᾱ = cumprod(1 − β), α_t = sqrt(ᾱ), σ_t = sqrt(1 − ᾱ),
 *   λ_t = ln α_t − ln σ_t, each value rounded to float32 (Math.fround).
 * - set_timesteps: "linspace" or "leading" timesteps; with Karras, the ramp is built from the
 *   ascending k-diffusion σ table as 0.20 passes it (in_sigmas[0] = the *smallest* σ becomes its
 *   "sigma_max"), mapped to timesteps with _sigma_to_t, rounded half to even, flipped, and
 *   repeated timesteps dropped (np.unique, first occurrences, original order).
 * - step: x0 from the model output at the integer timestep; first order on the first step (and
 *   on the last when lower_order_final and fewer than 15 timesteps), else second order (midpoint);
 *   the step after the last timestep goes to t = 0. Every α, σ, λ is a table lookup.
 */
export interface DiffusersV020DpmConfig {
  readonly numTrainTimesteps: number;
  readonly betaStart: number;
  readonly betaEnd: number;
  readonly betaSchedule: 'linear' | 'scaled_linear';
  readonly predictionType: 'epsilon' | 'v_prediction';
  readonly timestepSpacing: 'linspace' | 'leading';
  readonly stepsOffset: number;
  readonly lowerOrderFinal: boolean;
  readonly karras: boolean;
}

interface Tables {
  readonly alphaT: number[];
  readonly sigmaT: number[];
  readonly lambdaT: number[];
  /** ((1 − ᾱ)/ᾱ)^½ as numpy computes it from the float32 ᾱ */
  readonly kSigmas: number[];
}

const f32 = Math.fround;

/** numpy.linspace(start, stop, num): start + i·step, the last element exactly stop. */
function numpyLinspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : start + i * step));
}

/** numpy.round: half to even. */
function numpyRound(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

function tables(config: DiffusersV020DpmConfig): Tables {
  const n = config.numTrainTimesteps;
  const betas = config.betaSchedule === 'linear'
    ? numpyLinspace(config.betaStart, config.betaEnd, n).map(f32)
    : numpyLinspace(Math.sqrt(config.betaStart), Math.sqrt(config.betaEnd), n).map((root) => f32(f32(root) * f32(root)));
  const alphaT: number[] = [];
  const sigmaT: number[] = [];
  const lambdaT: number[] = [];
  const kSigmas: number[] = [];
  let cumprod = 1;
  for (const beta of betas) {
    cumprod = f32(cumprod * f32(1 - beta));
    const alpha = f32(Math.sqrt(cumprod));
    const sigma = f32(Math.sqrt(f32(1 - cumprod)));
    alphaT.push(alpha);
    sigmaT.push(sigma);
    lambdaT.push(f32(f32(Math.log(alpha)) - f32(Math.log(sigma))));
    kSigmas.push(f32(Math.sqrt(f32(f32(1 - cumprod) / cumprod))));
  }
  return { alphaT, sigmaT, lambdaT, kSigmas };
}

/** 0.20's _sigma_to_t: interpolation in ln σ between the last table entry at or below σ and the next. */
function sigmaToT(sigma: number, logSigmas: readonly number[]): number {
  const logSigma = Math.log(sigma);
  let low = 0;
  logSigmas.forEach((value, index) => {
    if (logSigma - value >= 0) low = index;
  });
  low = Math.min(low, logSigmas.length - 2);
  const w = Math.min(1, Math.max(0, (logSigmas[low]! - logSigma) / (logSigmas[low]! - logSigmas[low + 1]!)));
  return (1 - w) * low + w * (low + 1);
}

/** The timesteps 0.20's set_timesteps(steps) leaves in scheduler.timesteps. */
export function diffusersV020Timesteps(config: DiffusersV020DpmConfig, steps: number): number[] {
  const last = config.numTrainTimesteps;
  let timesteps: number[];
  if (config.timestepSpacing === 'linspace') {
    timesteps = numpyLinspace(0, last - 1, steps + 1).map(numpyRound).reverse().slice(0, steps);
  } else {
    const ratio = Math.floor(last / (steps + 1));
    timesteps = Array.from({ length: steps + 1 }, (_, i) => i * ratio).reverse().slice(0, steps).map((t) => t + config.stepsOffset);
  }
  if (config.karras) {
    const { kSigmas } = tables(config);
    const logSigmas = kSigmas.map((sigma) => f32(Math.log(sigma)));
    const sigmaMin = kSigmas[kSigmas.length - 1]!;
    const sigmaMax = kSigmas[0]!;
    const rho = 7;
    const ramp = numpyLinspace(0, 1, steps);
    const karras = ramp.map((r) => (sigmaMax ** (1 / rho) + r * (sigmaMin ** (1 / rho) - sigmaMax ** (1 / rho))) ** rho);
    timesteps = karras.map((sigma) => numpyRound(sigmaToT(sigma, logSigmas))).reverse();
  }
  // np.unique(return_index) + sort: each timestep's first occurrence, in the original order.
  return timesteps.filter((t, index) => timesteps.indexOf(t) === index);
}

/** A full loop: `model(x, t)` at each timestep, from `initial`; returns the final sample (float32). */
export function diffusersV020Loop(config: DiffusersV020DpmConfig, steps: number, initial: Float32Array, model: (x: Float32Array, t: number) => Float32Array): Float32Array {
  const { alphaT, sigmaT, lambdaT } = tables(config);
  const timesteps = diffusersV020Timesteps(config, steps);
  let x = Float32Array.from(initial);
  let previousX0: Float32Array | null = null;
  let lowerOrderNums = 0;
  timesteps.forEach((s0, index) => {
    const output = model(x, s0);
    const x0 = x.map((value, i) => (config.predictionType === 'epsilon'
      ? (value - sigmaT[s0]! * output[i]!) / alphaT[s0]!
      : alphaT[s0]! * value - sigmaT[s0]! * output[i]!));
    const t = index === timesteps.length - 1 ? 0 : timesteps[index + 1]!;
    const lowerOrderFinal = index === timesteps.length - 1 && config.lowerOrderFinal && timesteps.length < 15;
    const h = lambdaT[t]! - lambdaT[s0]!;
    const scale = sigmaT[t]! / sigmaT[s0]!;
    const coefficient = alphaT[t]! * (Math.exp(-h) - 1);
    if (previousX0 === null || lowerOrderNums < 1 || lowerOrderFinal) {
      x = x.map((value, i) => scale * value - coefficient * x0[i]!);
    } else {
      const s1 = timesteps[index - 1]!;
      const r0 = (lambdaT[s0]! - lambdaT[s1]!) / h;
      const m1 = previousX0;
      x = x.map((value, i) => scale * value - coefficient * x0[i]! - 0.5 * coefficient * ((1 / r0) * (x0[i]! - m1[i]!)));
    }
    previousX0 = x0;
    lowerOrderNums = Math.min(lowerOrderNums + 1, 2);
  });
  return x;
}
