import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STABLE_DIFFUSION_SCHEDULER_CONFIG } from '../../../app/diffusion/schedulers/scheduler-config.js';
import type { Sampler } from '../../../app/diffusion/schedulers/sampling-types.js';
import { planSampling } from '../../../app/diffusion/schedulers/sampling-plan.js';
import { initialLatents, modelInput, noisedLatents, startSampling } from '../../../app/diffusion/schedulers/sampler-state.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

const SD = STABLE_DIFFUSION_SCHEDULER_CONFIG;
/** σ_t = sqrt((1 − ᾱ_t)/ᾱ_t) of Stable Diffusion's scaled_linear schedule, computed here. */
function sdSigma(t: number): number {
  let product = 1;
  for (let i = 0; i <= t; i++) {
    const root = Math.sqrt(0.00085) + (i / 999) * (Math.sqrt(0.012) - Math.sqrt(0.00085));
    product *= 1 - root * root;
  }
  return Math.sqrt((1 - product) / product);
}
const relativelyClose = (a: number, b: number, tolerance = 1e-12): boolean => Math.abs(a - b) <= tolerance * Math.abs(b);

describe('noise levels and input scaling', () => {
  test('DDIM and DPM++ latents are variance preserving: init σ 1, input unscaled', () => {
    for (const sampler of [{ kind: 'ddim', eta: 0 }, { kind: 'dpmpp_2m', karras: true }] as Sampler[]) {
      const plan = planSampling(SD, sampler, 20);
      assert.equal(plan.initNoiseSigma, 1);
      assert.equal(plan.parameterization, 'variance_preserving');
      assert.ok(plan.steps.every((step) => step.inputScale === 1));
    }
  });

  test('Euler linspace: init σ = σ_max = σ(999) ≈ 14.6146; UNet input scaled by 1/sqrt(σ² + 1)', () => {
    const plan = planSampling(SD, { kind: 'euler' }, 20);
    assert.ok(relativelyClose(plan.initNoiseSigma, sdSigma(999)));
    assert.equal(plan.initNoiseSigma.toFixed(4), '14.6146');
    for (const step of plan.steps) assert.ok(relativelyClose(step.inputScale, 1 / Math.sqrt(step.sigma ** 2 + 1)));
    const state = startSampling(plan, new Float32Array([2, -4]));
    const { sample, timestep } = modelInput(plan, state);
    assert.equal(timestep, 999);
    assert.ok(Math.abs((sample[0] as number) - 2 / Math.sqrt(sdSigma(999) ** 2 + 1)) < 1e-6);
  });

  test('Euler leading: init σ = sqrt(σ_max² + 1) with σ_max the first planned σ (diffusers init_noise_sigma)', () => {
    const plan = planSampling({ ...SD, timestep_spacing: 'leading' }, { kind: 'euler_ancestral' }, 50);
    assert.ok(relativelyClose(plan.initNoiseSigma, Math.sqrt(sdSigma(981) ** 2 + 1)));
    const latents = initialLatents(plan, new Float32Array([1, -0.5]));
    assert.ok(Math.abs((latents[1] as number) + 0.5 * plan.initNoiseSigma) < 1e-5);
  });

  test('final σ: 0 by default, σ(0) with final_sigmas_type "sigma_min" (Euler, DPM++), DDIM per set_alpha_to_one', () => {
    assert.equal(planSampling(SD, { kind: 'euler' }, 10).steps[9]?.sigmaNext, 0);
    assert.ok(relativelyClose(planSampling({ ...SD, final_sigmas_type: 'sigma_min' }, { kind: 'dpmpp_2m', karras: false }, 10).steps[9]?.sigmaNext as number, sdSigma(0)));
    assert.ok(relativelyClose(planSampling(SD, { kind: 'ddim', eta: 0 }, 10).steps[9]?.sigmaNext as number, sdSigma(0)));
    assert.equal(planSampling({ ...SD, set_alpha_to_one: true }, { kind: 'ddim', eta: 0 }, 10).steps[9]?.sigmaNext, 0);
    // Euler ancestral always ends at 0, whatever final_sigmas_type says.
    assert.equal(planSampling({ ...SD, final_sigmas_type: 'sigma_min' }, { kind: 'euler_ancestral' }, 10).steps[9]?.sigmaNext, 0);
  });

  test('needsStepNoise exactly for the stochastic samplers', () => {
    const needs = (sampler: Sampler): boolean => planSampling(SD, sampler, 5).needsStepNoise;
    assert.equal(needs({ kind: 'euler_ancestral' }), true);
    assert.equal(needs({ kind: 'ddim', eta: 0.3 }), true);
    assert.equal(needs({ kind: 'ddim', eta: 0 }), false);
    assert.equal(needs({ kind: 'euler' }), false);
    assert.equal(needs({ kind: 'dpmpp_2m', karras: false }), false);
  });
});

describe('denoise (img2img strength, diffusers get_timesteps)', () => {
  test('runs the last int(N·denoise) steps of the N-step schedule', () => {
    const full = planSampling(SD, { kind: 'ddim', eta: 0 }, 50);
    const partial = planSampling(SD, { kind: 'ddim', eta: 0 }, 50, 0.3);
    // int(50 · 0.3) = int(15.000000000000002) = 15
    assert.equal(partial.steps.length, 15);
    assert.deepEqual(partial.steps, full.steps.slice(35));
    assert.equal(partial.totalSteps, 50);
    // Python's int(100 · 0.29) is 28 (100 · 0.29 = 28.999999999999996), and so is ours.
    assert.equal(planSampling(SD, { kind: 'euler' }, 100, 0.29).steps.length, 28);
  });

  test('noisedLatents puts the clean latent at the first run step’s noise level', () => {
    const clean = new Float32Array([0.5, -1]);
    const noise = new Float32Array([1, 2]);
    const vp = planSampling(SD, { kind: 'ddim', eta: 0 }, 50, 0.5);
    const t = vp.steps[0]?.timestep as number;
    assert.equal(t, 481);
    const alpha = 1 / Math.sqrt(1 + sdSigma(t) ** 2);
    const expectedVp = [alpha * 0.5 + Math.sqrt(1 - alpha * alpha) * 1, alpha * -1 + Math.sqrt(1 - alpha * alpha) * 2];
    noisedLatents(vp, clean, noise).forEach((x, i) => assert.ok(Math.abs(x - (expectedVp[i] as number)) < 1e-6));
    const ve = planSampling(SD, { kind: 'euler' }, 50, 0.5);
    const sigma = ve.steps[0]?.sigma as number;
    noisedLatents(ve, clean, noise).forEach((x, i) => assert.ok(Math.abs(x - ((clean[i] as number) + sigma * (noise[i] as number))) < 1e-5));
  });
});

describe('argument errors name the field', () => {
  const failsOn = (field: string) => (error: unknown) => error instanceof UserFacingError && error.field === field;
  test('steps, denoise, eta', () => {
    assert.throws(() => planSampling(SD, { kind: 'euler' }, 0), failsOn('steps'));
    assert.throws(() => planSampling(SD, { kind: 'euler' }, 2.5), failsOn('steps'));
    assert.throws(() => planSampling(SD, { kind: 'ddim', eta: 0 }, 1001), failsOn('steps'));
    assert.throws(() => planSampling(SD, { kind: 'ddim', eta: 0 }, 1000), failsOn('steps')); // 999 + steps_offset 1 is past the table
    assert.throws(() => planSampling(SD, { kind: 'euler' }, 20, 0), failsOn('denoise'));
    assert.throws(() => planSampling(SD, { kind: 'euler' }, 20, 1.5), failsOn('denoise'));
    assert.throws(() => planSampling(SD, { kind: 'euler' }, 10, 0.05), failsOn('denoise'));
    assert.throws(() => planSampling(SD, { kind: 'ddim', eta: 1.5 }, 10), failsOn('sampler.eta'));
    assert.throws(() => planSampling(SD, { kind: 'dpm_fast' } as unknown as Sampler, 10), failsOn('sampler.kind'));
    assert.throws(() => planSampling(SD, { kind: 'heun' } as unknown as Sampler, 10), failsOn('sampler.schedule'));
    assert.throws(() => planSampling(SD, { kind: 'euler', schedule: 'linear' } as unknown as Sampler, 10), failsOn('sampler.schedule'));
  });
});
