/**
 * Naive float64 transcriptions of k-diffusion's sampling loops as ComfyUI runs them
 * (comfy/k_diffusion/sampling.py: sample_heun, sample_dpm_2, sample_dpm_2_ancestral, sample_lms,
 * sample_dpmpp_2s_ancestral, sample_dpmpp_sde, sample_dpmpp_2m_sde, sample_dpmpp_3m_sde,
 * sample_lcm; eta = 1, s_noise = 1, s_churn = 0, r = ½, solver_type "midpoint"), written loop for
 * loop from the Python with plain number arrays, as the independent reference for the app's
 * step-at-a-time samplers.
 *
 * Noise: `brownian(i)` is the Brownian path over step i's σ interval as unit draws; a noise sampler
 * call over (σ_a, σ_b) inside step i returns (W(σ_b) − W(σ_a))/sqrt(|σ_b − σ_a|) of that path.
 */
export type Vector = number[];
export type Denoiser = (x: Vector, sigma: number) => Vector;

/** Unit Gaussian draws for step i: draw 0 covers (σ_i, σ_mid) or the whole step, draw 1 the rest. */
export type StepDraws = (step: number) => readonly Vector[];

const add = (a: Vector, b: Vector, scale = 1): Vector => a.map((v, i) => v + scale * (b[i] as number));
const scaled = (a: Vector, scale: number): Vector => a.map((v) => v * scale);
const toD = (x: Vector, sigma: number, denoised: Vector): Vector => x.map((v, i) => (v - (denoised[i] as number)) / sigma);

function ancestralStep(sigmaFrom: number, sigmaTo: number): [down: number, up: number] {
  const up = Math.min(sigmaTo, Math.sqrt((sigmaTo ** 2 * (sigmaFrom ** 2 - sigmaTo ** 2)) / sigmaFrom ** 2));
  return [Math.sqrt(sigmaTo ** 2 - up ** 2), up];
}

/** noise_sampler(σ_a, σ_b) within step i, from the Brownian path the step's draws define. */
function brownianIncrement(draws: readonly Vector[], sigmaStart: number, sigmaSplit: number, sigmaA: number, sigmaB: number): Vector {
  const [first, second] = draws as [Vector, Vector | undefined];
  // W relative to W(σ_start): W(σ_split) = sqrt(σ_start − σ_split)·z0, beyond it + sqrt(σ_split − σ)·z1.
  const path = (sigma: number): Vector => {
    if (sigma >= sigmaSplit || second === undefined) return scaled(first, Math.sqrt(Math.max(0, sigmaStart - sigma))); // σ_a = e^(−t(σ)) may exceed σ by an ulp
    return add(scaled(first, Math.sqrt(sigmaStart - sigmaSplit)), second, Math.sqrt(sigmaSplit - sigma));
  };
  const difference = add(path(sigmaB), path(sigmaA), -1);
  return scaled(difference, 1 / Math.sqrt(Math.abs(sigmaB - sigmaA)));
}

export function sampleHeun(model: Denoiser, start: Vector, sigmas: readonly number[]): Vector {
  let x = start;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigmaHat = sigmas[i] as number;
    const denoised = model(x, sigmaHat);
    const d = toD(x, sigmaHat, denoised);
    const dt = (sigmas[i + 1] as number) - sigmaHat;
    if (sigmas[i + 1] === 0) {
      x = add(x, d, dt);
    } else {
      const x2 = add(x, d, dt);
      const denoised2 = model(x2, sigmas[i + 1] as number);
      const d2 = toD(x2, sigmas[i + 1] as number, denoised2);
      const dPrime = d.map((v, k) => (v + (d2[k] as number)) / 2);
      x = add(x, dPrime, dt);
    }
  }
  return x;
}

function dpm2Move(model: Denoiser, x: Vector, sigma: number, target: number): Vector {
  const denoised = model(x, sigma);
  const d = toD(x, sigma, denoised);
  if (target === 0) return add(x, d, target - sigma);
  const sigmaMid = Math.exp(Math.log(sigma) + 0.5 * (Math.log(target) - Math.log(sigma)));
  const x2 = add(x, d, sigmaMid - sigma);
  const denoised2 = model(x2, sigmaMid);
  const d2 = toD(x2, sigmaMid, denoised2);
  return add(x, d2, target - sigma);
}

export function sampleDpm2(model: Denoiser, start: Vector, sigmas: readonly number[]): Vector {
  let x = start;
  for (let i = 0; i < sigmas.length - 1; i++) x = dpm2Move(model, x, sigmas[i] as number, sigmas[i + 1] as number);
  return x;
}

export function sampleDpm2Ancestral(model: Denoiser, start: Vector, sigmas: readonly number[], draws: StepDraws): Vector {
  let x = start;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const [down, up] = ancestralStep(sigmas[i] as number, sigmas[i + 1] as number);
    x = dpm2Move(model, x, sigmas[i] as number, down);
    if (down !== 0) x = add(x, (draws(i) as Vector[])[0] as Vector, up);
  }
  return x;
}

function lmsCoefficient(order: number, t: readonly number[], i: number, j: number): number {
  const fn = (tau: number): number => {
    let product = 1;
    for (let k = 0; k < order; k++) {
      if (j === k) continue;
      product *= (tau - (t[i - k] as number)) / ((t[i - j] as number) - (t[i - k] as number));
    }
    return product;
  };
  // Composite Simpson's rule on 200 panels: exact for the cubic (at most) integrand.
  const a = t[i] as number;
  const b = t[i + 1] as number;
  const panels = 200;
  const width = (b - a) / panels;
  let sum = fn(a) + fn(b);
  for (let k = 1; k < panels; k++) sum += fn(a + k * width) * (k % 2 === 1 ? 4 : 2);
  return (sum * width) / 3;
}

export function sampleLms(model: Denoiser, start: Vector, sigmas: readonly number[], order = 4): Vector {
  let x = start;
  const ds: Vector[] = [];
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = model(x, sigmas[i] as number);
    ds.push(toD(x, sigmas[i] as number, denoised));
    if (ds.length > order) ds.shift();
    const currentOrder = Math.min(i + 1, order);
    const coefficients = Array.from({ length: currentOrder }, (_, j) => lmsCoefficient(currentOrder, sigmas, i, j));
    const reversed = [...ds].reverse();
    coefficients.forEach((coefficient, j) => {
      x = add(x, reversed[j] as Vector, coefficient);
    });
  }
  return x;
}

const sigmaFn = (t: number): number => Math.exp(-t);
const tFn = (sigma: number): number => -Math.log(sigma);

export function sampleDpmpp2sAncestral(model: Denoiser, start: Vector, sigmas: readonly number[], draws: StepDraws): Vector {
  let x = start;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i] as number;
    const denoised = model(x, sigma);
    const [down, up] = ancestralStep(sigma, sigmas[i + 1] as number);
    if (down === 0) {
      x = add(x, toD(x, sigma, denoised), down - sigma);
    } else {
      const t = tFn(sigma);
      const tNext = tFn(down);
      const h = tNext - t;
      const s = t + 0.5 * h;
      const x2 = add(scaled(x, sigmaFn(s) / sigmaFn(t)), denoised, -Math.expm1(-h * 0.5));
      const denoised2 = model(x2, sigmaFn(s));
      x = add(scaled(x, sigmaFn(tNext) / sigmaFn(t)), denoised2, -Math.expm1(-h));
    }
    if ((sigmas[i + 1] as number) > 0) x = add(x, brownianIncrement(draws(i), sigma, 0, sigma, sigmas[i + 1] as number), up);
  }
  return x;
}

export function sampleDpmppSde(model: Denoiser, start: Vector, sigmas: readonly number[], draws: StepDraws): Vector {
  let x = start;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i] as number;
    const denoised = model(x, sigma);
    if (sigmas[i + 1] === 0) {
      x = add(x, toD(x, sigma, denoised), (sigmas[i + 1] as number) - sigma);
      continue;
    }
    const t = tFn(sigma);
    const tNext = tFn(sigmas[i + 1] as number);
    const h = tNext - t;
    const s = t + h * 0.5;
    const fac = 1 / (2 * 0.5);
    const split = sigmaFn(s);
    let [down, up] = ancestralStep(sigmaFn(t), sigmaFn(s));
    const s_ = tFn(down);
    let x2 = add(scaled(x, sigmaFn(s_) / sigmaFn(t)), denoised, -Math.expm1(t - s_));
    x2 = add(x2, brownianIncrement(draws(i), sigma, split, sigmaFn(t), sigmaFn(s)), up);
    const denoised2 = model(x2, sigmaFn(s));
    [down, up] = ancestralStep(sigmaFn(t), sigmaFn(tNext));
    const tNext_ = tFn(down);
    const denoisedD = add(scaled(denoised, 1 - fac), denoised2, fac);
    x = add(scaled(x, sigmaFn(tNext_) / sigmaFn(t)), denoisedD, -Math.expm1(t - tNext_));
    x = add(x, brownianIncrement(draws(i), sigma, split, sigmaFn(t), sigmaFn(tNext)), up);
  }
  return x;
}

export function sampleDpmpp2mSde(model: Denoiser, start: Vector, sigmas: readonly number[], draws: StepDraws, solverType: 'midpoint' | 'heun' = 'midpoint'): Vector {
  let x = start;
  let oldDenoised: Vector | null = null;
  let hLast = 0;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = model(x, sigmas[i] as number);
    let h = hLast;
    if (sigmas[i + 1] === 0) {
      x = denoised;
    } else {
      const t = -Math.log(sigmas[i] as number);
      const s = -Math.log(sigmas[i + 1] as number);
      h = s - t;
      const etaH = h;
      x = add(scaled(x, ((sigmas[i + 1] as number) / (sigmas[i] as number)) * Math.exp(-etaH)), denoised, -Math.expm1(-h - etaH));
      if (oldDenoised !== null) {
        const r = hLast / h;
        const weight = solverType === 'heun' ? -Math.expm1(-h - etaH) / (-h - etaH) + 1 : 0.5 * -Math.expm1(-h - etaH);
        x = add(x, add(denoised, oldDenoised, -1), weight * (1 / r));
      }
      x = add(x, brownianIncrement(draws(i), sigmas[i] as number, 0, sigmas[i] as number, sigmas[i + 1] as number), (sigmas[i + 1] as number) * Math.sqrt(-Math.expm1(-2 * etaH)));
    }
    oldDenoised = denoised;
    hLast = h;
  }
  return x;
}

export function sampleDpmpp3mSde(model: Denoiser, start: Vector, sigmas: readonly number[], draws: StepDraws): Vector {
  let x = start;
  let denoised1: Vector | null = null;
  let denoised2: Vector | null = null;
  let h: number | null = null;
  let h1: number | null = null;
  let h2: number | null = null;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = model(x, sigmas[i] as number);
    if (sigmas[i + 1] === 0) {
      x = denoised;
    } else {
      h = -Math.log(sigmas[i + 1] as number) + Math.log(sigmas[i] as number);
      const hEta = h * 2;
      x = add(scaled(x, Math.exp(-hEta)), denoised, -Math.expm1(-hEta));
      const phi2 = Math.expm1(-hEta) / hEta + 1;
      if (h2 !== null && denoised1 !== null && denoised2 !== null && h1 !== null) {
        const r0 = h1 / h;
        const r1 = h2 / h;
        const d10 = scaled(add(denoised, denoised1, -1), 1 / r0);
        const d11 = scaled(add(denoised1, denoised2, -1), 1 / r1);
        const d1 = add(d10, add(d10, d11, -1), r0 / (r0 + r1));
        const d2 = scaled(add(d10, d11, -1), 1 / (r0 + r1));
        const phi3 = phi2 / hEta - 0.5;
        x = add(add(x, d1, phi2), d2, -phi3);
      } else if (h1 !== null && denoised1 !== null) {
        const r = h1 / h;
        x = add(x, scaled(add(denoised, denoised1, -1), 1 / r), phi2);
      }
      x = add(x, brownianIncrement(draws(i), sigmas[i] as number, 0, sigmas[i] as number, sigmas[i + 1] as number), (sigmas[i + 1] as number) * Math.sqrt(-Math.expm1(-2 * h)));
    }
    [denoised1, denoised2] = [denoised, denoised1];
    [h1, h2] = [h, h1];
  }
  return x;
}

export function sampleLcm(model: Denoiser, start: Vector, sigmas: readonly number[], draws: StepDraws): Vector {
  let x = start;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = model(x, sigmas[i] as number);
    x = denoised;
    if ((sigmas[i + 1] as number) > 0) x = add(denoised, brownianIncrement(draws(i), sigmas[i] as number, 0, sigmas[i] as number, sigmas[i + 1] as number), sigmas[i + 1] as number);
  }
  return x;
}

export function sampleDdpm(model: Denoiser, start: Vector, sigmas: readonly number[], draws: StepDraws): Vector {
  let x = start;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigma = sigmas[i] as number;
    const sigmaPrev = sigmas[i + 1] as number;
    const denoised = model(x, sigma);
    const noise = toD(x, sigma, denoised);
    const alphaCumprod = 1 / (sigma * sigma + 1);
    const alphaCumprodPrev = 1 / (sigmaPrev * sigmaPrev + 1);
    const alpha = alphaCumprod / alphaCumprodPrev;
    let mu = scaled(add(scaled(x, 1 / Math.sqrt(1 + sigma ** 2)), noise, -(1 - alpha) / Math.sqrt(1 - alphaCumprod)), Math.sqrt(1 / alpha));
    if (sigmaPrev > 0) mu = add(mu, brownianIncrement(draws(i), sigma, 0, sigma, sigmaPrev), Math.sqrt(((1 - alpha) * (1 - alphaCumprodPrev)) / (1 - alphaCumprod)));
    x = sigmaPrev !== 0 ? scaled(mu, Math.sqrt(1 + sigmaPrev ** 2)) : mu;
  }
  return x;
}

export function sampleIpndm(model: Denoiser, start: Vector, sigmas: readonly number[], maxOrder = 4): Vector {
  let x = start;
  const buffer: Vector[] = [];
  for (let i = 0; i < sigmas.length - 1; i++) {
    const tCur = sigmas[i] as number;
    const tNext = sigmas[i + 1] as number;
    const dCur = toD(x, tCur, model(x, tCur));
    const order = Math.min(maxOrder, i + 1);
    const at = (back: number): Vector => buffer[buffer.length - back] as Vector;
    let combined: Vector;
    if (order === 1) combined = dCur;
    else if (order === 2) combined = scaled(add(scaled(dCur, 3), at(1), -1), 1 / 2);
    else if (order === 3) combined = scaled(add(add(scaled(dCur, 23), at(1), -16), at(2), 5), 1 / 12);
    else combined = scaled(add(add(add(scaled(dCur, 55), at(1), -59), at(2), 37), at(3), -9), 1 / 24);
    x = add(x, combined, tNext - tCur);
    if (buffer.length === maxOrder - 1) buffer.shift();
    buffer.push(dCur);
  }
  return x;
}

export function sampleHeunpp2(model: Denoiser, start: Vector, sigmas: readonly number[]): Vector {
  let x = start;
  const sEnd = sigmas[sigmas.length - 1] as number;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const sigmaHat = sigmas[i] as number;
    const d = toD(x, sigmaHat, model(x, sigmaHat));
    const dt = (sigmas[i + 1] as number) - sigmaHat;
    if (sigmas[i + 1] === sEnd) {
      x = add(x, d, dt);
    } else if (sigmas[i + 2] === sEnd) {
      const x2 = add(x, d, dt);
      const d2 = toD(x2, sigmas[i + 1] as number, model(x2, sigmas[i + 1] as number));
      const w = 2 * (sigmas[0] as number);
      const w2 = (sigmas[i + 1] as number) / w;
      const w1 = 1 - w2;
      x = add(x, add(scaled(d, w1), d2, w2), dt);
    } else {
      const x2 = add(x, d, dt);
      const d2 = toD(x2, sigmas[i + 1] as number, model(x2, sigmas[i + 1] as number));
      const dt2 = (sigmas[i + 2] as number) - (sigmas[i + 1] as number);
      const x3 = add(x2, d2, dt2);
      const d3 = toD(x3, sigmas[i + 2] as number, model(x3, sigmas[i + 2] as number));
      const w = 3 * (sigmas[0] as number);
      const w2 = (sigmas[i + 1] as number) / w;
      const w3 = (sigmas[i + 2] as number) / w;
      const w1 = 1 - w2 - w3;
      x = add(x, add(add(scaled(d, w1), d2, w2), d3, w3), dt);
    }
  }
  return x;
}

export function sampleIpndmV(model: Denoiser, start: Vector, sigmas: readonly number[], maxOrder = 4): Vector {
  let xNext = start;
  const t = sigmas;
  const buffer: Vector[] = [];
  for (let i = 0; i < sigmas.length - 1; i++) {
    const tCur = t[i] as number;
    const tNext = t[i + 1] as number;
    const xCur = xNext;
    const dCur = toD(xCur, tCur, model(xCur, tCur));
    const order = Math.min(maxOrder, i + 1);
    const hn = tNext - tCur;
    const b = (back: number): Vector => buffer[buffer.length - back] as Vector;
    let combined: Vector;
    if (order === 1) {
      combined = dCur;
    } else if (order === 2) {
      const hn1 = tCur - (t[i - 1] as number);
      combined = add(scaled(dCur, (2 + hn / hn1) / 2), b(1), -(hn / hn1) / 2);
    } else if (order === 3) {
      const hn1 = tCur - (t[i - 1] as number);
      const hn2 = (t[i - 1] as number) - (t[i - 2] as number);
      const temp = (1 - hn / (3 * (hn + hn1)) * (hn * (hn + hn1)) / (hn1 * (hn1 + hn2))) / 2;
      const c1 = (2 + (hn / hn1)) / 2 + temp;
      const c2 = -(hn / hn1) / 2 - (1 + hn1 / hn2) * temp;
      const c3 = temp * hn1 / hn2;
      combined = add(add(scaled(dCur, c1), b(1), c2), b(2), c3);
    } else {
      const hn1 = tCur - (t[i - 1] as number);
      const hn2 = (t[i - 1] as number) - (t[i - 2] as number);
      const hn3 = (t[i - 2] as number) - (t[i - 3] as number);
      const temp1 = (1 - hn / (3 * (hn + hn1)) * (hn * (hn + hn1)) / (hn1 * (hn1 + hn2))) / 2;
      const temp2 = ((1 - hn / (3 * (hn + hn1))) / 2 + (1 - hn / (2 * (hn + hn1))) * hn / (6 * (hn + hn1 + hn2)))
        * (hn * (hn + hn1) * (hn + hn1 + hn2)) / (hn1 * (hn1 + hn2) * (hn1 + hn2 + hn3));
      const c1 = (2 + (hn / hn1)) / 2 + temp1 + temp2;
      const c2 = -(hn / hn1) / 2 - (1 + hn1 / hn2) * temp1 - (1 + (hn1 / hn2) + (hn1 * (hn1 + hn2) / (hn2 * (hn2 + hn3)))) * temp2;
      const c3 = temp1 * hn1 / hn2 + ((hn1 / hn2) + (hn1 * (hn1 + hn2) / (hn2 * (hn2 + hn3))) * (1 + hn2 / hn3)) * temp2;
      const c4 = -temp2 * (hn1 * (hn1 + hn2) / (hn2 * (hn2 + hn3))) * hn1 / hn2;
      combined = add(add(add(scaled(dCur, c1), b(1), c2), b(2), c3), b(3), c4);
    }
    xNext = add(xCur, combined, tNext - tCur);
    if (buffer.length === maxOrder - 1) buffer.shift();
    buffer.push(dCur);
  }
  return xNext;
}
