/**
 * Each sampler against a reference written here straight from its publication, independent of the
 * implementation: DDIM eq. 12 + 16 (Song et al. 2021) on an ᾱ table computed here, the k-diffusion
 * loops `sample_euler`, `sample_euler_ancestral` and `sample_dpmpp_2m` (Crowson; Karras et al. 2022
 * Algorithm 2; Lu et al. 2022), and the Karras σ ramp (eq. 5). The model is the Gaussian toy's ideal
 * denoiser, so the trajectories are non-trivial.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STABLE_DIFFUSION_SCHEDULER_CONFIG, type PredictionType } from '../../../app/diffusion/schedulers/scheduler-config.js';
import type { SamplingPlan } from '../../../app/diffusion/schedulers/sampling-types.js';
import { planSampling } from '../../../app/diffusion/schedulers/sampling-plan.js';
import { initialLatents } from '../../../app/diffusion/schedulers/sampler-state.js';
import { GaussianNoiseStream, gaussianNoise } from '../../../app/diffusion/noise/gaussian-noise.js';
import { gaussianModel, idealDenoised, maxAbsDifference, runSampling } from './gaussian-toy.js';

const SIZE = 256;
const DATA_MEAN = 0.3;
const DATA_STD = 0.7;
const means = new Float32Array(SIZE).fill(DATA_MEAN);
const PREDICTIONS: readonly PredictionType[] = ['epsilon', 'v_prediction', 'sample'];
// float32 latents against float64 references over 10–25 steps: 2e-5 absolute on O(1) values.
const TOLERANCE = 2e-5;

/** Stable Diffusion's ᾱ_t: β linear in sqrt from 0.00085 to 0.012 over 1000 steps, then cumprod. */
function stableDiffusionAlphasCumprod(): number[] {
  const values: number[] = [];
  let product = 1;
  for (let t = 0; t < 1000; t++) {
    const root = Math.sqrt(0.00085) + (t / 999) * (Math.sqrt(0.012) - Math.sqrt(0.00085));
    product *= 1 - root * root;
    values.push(product);
  }
  return values;
}

const denoise = (x: number, sigma: number): number => idealDenoised(x, sigma, DATA_MEAN, DATA_STD);

function sigmasOf(plan: SamplingPlan): number[] {
  return [...plan.steps.map((step) => step.sigma), plan.steps[plan.steps.length - 1]?.sigmaNext as number];
}

describe('DDIM against Song et al. 2021 eq. 12 and 16', () => {
  const alphasCumprod = stableDiffusionAlphasCumprod();
  for (const eta of [0, 1]) {
    for (const prediction of PREDICTIONS) {
      test(`eta ${eta}, ${prediction}`, async () => {
        const config = { ...STABLE_DIFFUSION_SCHEDULER_CONFIG, prediction_type: prediction, set_alpha_to_one: true };
        const plan = planSampling(config, { kind: 'ddim', eta }, 10);
        // Leading spacing with steps_offset 1: τ = 901, 801, …, 1; after the last step ᾱ := 1.
        const taus = Array.from({ length: 10 }, (_, i) => 901 - 100 * i);
        assert.deepEqual(plan.steps.map((s) => s.timestep), taus);
        const start = gaussianNoise(11, SIZE);
        const stepNoise = taus.map((_, k) => gaussianNoise(500 + k, SIZE));

        const reference = Float64Array.from(start);
        taus.forEach((tau, k) => {
          const alpha = alphasCumprod[tau] as number;
          const alphaPrev = k + 1 < taus.length ? (alphasCumprod[taus[k + 1] as number] as number) : 1;
          const sigmaEta = eta * Math.sqrt((1 - alphaPrev) / (1 - alpha)) * Math.sqrt(1 - alpha / alphaPrev);
          const sigma = Math.sqrt((1 - alpha) / alpha);
          for (let i = 0; i < SIZE; i++) {
            const x = reference[i] as number;
            const epsilon = (x / Math.sqrt(alpha) - denoise(x / Math.sqrt(alpha), sigma)) / sigma;
            const predictedX0 = (x - Math.sqrt(1 - alpha) * epsilon) / Math.sqrt(alpha);
            reference[i] = Math.sqrt(alphaPrev) * predictedX0 + Math.sqrt(1 - alphaPrev - sigmaEta ** 2) * epsilon + sigmaEta * ((stepNoise[k] as Float32Array)[i] as number);
          }
        });

        let call = 0;
        const noise = { next: () => stepNoise[call++] as Float32Array } as unknown as GaussianNoiseStream;
        const trajectory = await runSampling(plan, start, gaussianModel(prediction, means, DATA_STD), noise);
        assert.ok(maxAbsDifference(trajectory[9] as Float32Array, reference) < TOLERANCE);
      });
    }
  }
});

describe('Euler, Euler ancestral and DPM++ 2M against the k-diffusion loops', () => {
  for (const prediction of PREDICTIONS) {
    const config = { ...STABLE_DIFFUSION_SCHEDULER_CONFIG, prediction_type: prediction };

    for (const karras of [false, true]) {
      test(`Euler (karras ${karras}), ${prediction}: sample_euler`, async () => {
        const plan = planSampling(config, { kind: 'euler', karras }, 20);
        const sigmas = sigmasOf(plan);
        const start = initialLatents(plan, gaussianNoise(3, SIZE));
        const reference = Float64Array.from(start);
        for (let k = 0; k + 1 < sigmas.length; k++) {
          const sigma = sigmas[k] as number;
          for (let i = 0; i < SIZE; i++) {
            const x = reference[i] as number;
            const derivative = (x - denoise(x, sigma)) / sigma;
            reference[i] = x + derivative * ((sigmas[k + 1] as number) - sigma);
          }
        }
        const trajectory = await runSampling(plan, start, gaussianModel(prediction, means, DATA_STD));
        assert.ok(maxAbsDifference(trajectory[19] as Float32Array, reference) < TOLERANCE);
      });

      test(`DPM++ 2M (karras ${karras}), ${prediction}: sample_dpmpp_2m`, async () => {
        const plan = planSampling(config, { kind: 'dpmpp_2m', karras }, 20);
        const sigmas = sigmasOf(plan);
        const start = initialLatents(plan, gaussianNoise(4, SIZE));
        // k-diffusion works on x0 + σε; the diffusers-style latent is that times 1/sqrt(1 + σ²).
        const reference = Float64Array.from(start, (x) => x * Math.sqrt(1 + (sigmas[0] as number) ** 2));
        const t = (sigma: number): number => -Math.log(sigma);
        let older: Float64Array | null = null;
        for (let k = 0; k + 1 < sigmas.length; k++) {
          const sigma = sigmas[k] as number;
          const sigmaNext = sigmas[k + 1] as number;
          const h = t(sigmaNext) - t(sigma);
          const denoised = Float64Array.from(reference, (x) => denoise(x, sigma));
          const useFirstOrder = older === null || sigmaNext === 0;
          const r = useFirstOrder ? 0 : (t(sigma) - t(sigmas[k - 1] as number)) / h;
          for (let i = 0; i < SIZE; i++) {
            const d = denoised[i] as number;
            const corrected = useFirstOrder ? d : (1 + 1 / (2 * r)) * d - (1 / (2 * r)) * ((older as Float64Array)[i] as number);
            reference[i] = (sigmaNext / sigma) * (reference[i] as number) - Math.expm1(-h) * corrected;
          }
          older = denoised;
        }
        const trajectory = await runSampling(plan, start, gaussianModel(prediction, means, DATA_STD));
        assert.ok(maxAbsDifference(trajectory[19] as Float32Array, reference) < TOLERANCE);
      });
    }

    test(`Euler ancestral, ${prediction}: sample_euler_ancestral (eta 1) with the same noise`, async () => {
      const plan = planSampling(config, { kind: 'euler_ancestral' }, 20);
      const sigmas = sigmasOf(plan);
      const startNoise = new GaussianNoiseStream(8);
      const start = initialLatents(plan, startNoise.next(SIZE));
      const referenceNoise = new GaussianNoiseStream(8, { offset: SIZE });
      const reference = Float64Array.from(start);
      for (let k = 0; k + 1 < sigmas.length; k++) {
        const from = sigmas[k] as number;
        const to = sigmas[k + 1] as number;
        const sigmaUp = Math.min(to, Math.sqrt((to ** 2 * (from ** 2 - to ** 2)) / from ** 2));
        const sigmaDown = Math.sqrt(to ** 2 - sigmaUp ** 2);
        const z = referenceNoise.next(SIZE);
        for (let i = 0; i < SIZE; i++) {
          const x = reference[i] as number;
          reference[i] = x + ((x - denoise(x, from)) / from) * (sigmaDown - from) + (to > 0 ? (z[i] as number) * sigmaUp : 0);
        }
      }
      const trajectory = await runSampling(plan, start, gaussianModel(prediction, means, DATA_STD), startNoise);
      assert.ok(maxAbsDifference(trajectory[19] as Float32Array, reference) < TOLERANCE);
    });
  }
});

describe('Karras et al. 2022 eq. 5 σ ramp', () => {
  const alphasCumprod = stableDiffusionAlphasCumprod();
  const sigmaAt = (t: number): number => Math.sqrt((1 - (alphasCumprod[t] as number)) / (alphasCumprod[t] as number));
  const ramp = (sigmaMin: number, sigmaMax: number, n: number): number[] =>
    Array.from({ length: n }, (_, i) => (sigmaMax ** (1 / 7) + (i / (n - 1)) * (sigmaMin ** (1 / 7) - sigmaMax ** (1 / 7))) ** 7);

  test('DPM++ 2M Karras, 25 steps: from σ_max = 14.6146 down the whole training range, then to 0', () => {
    const plan = planSampling(STABLE_DIFFUSION_SCHEDULER_CONFIG, { kind: 'dpmpp_2m', karras: true }, 25);
    assert.equal(plan.steps[0]?.sigma.toFixed(4), '14.6146');
    assert.equal(plan.steps[24]?.sigma.toFixed(4), '0.0292');
    const expected = ramp(sigmaAt(0), sigmaAt(999), 25);
    assert.ok(maxAbsDifference(plan.steps.map((s) => s.sigma), expected) < 1e-9);
    assert.equal(plan.steps[24]?.sigmaNext, 0);
    assert.equal(plan.steps[0]?.timestep, 999);
    assert.equal(plan.steps[24]?.timestep, 0);
  });

  test('Euler Karras ramps between the first and last planned σ (leading: σ(961) … σ(1))', () => {
    const plan = planSampling({ ...STABLE_DIFFUSION_SCHEDULER_CONFIG, timestep_spacing: 'leading' }, { kind: 'euler', karras: true }, 25);
    const expected = ramp(sigmaAt(1), sigmaAt(961), 25);
    assert.ok(maxAbsDifference(plan.steps.map((s) => s.sigma), expected) < 1e-9);
  });
});
