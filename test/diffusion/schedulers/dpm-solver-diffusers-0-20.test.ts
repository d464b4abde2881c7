/**
 * DPM++ 2M with dpm_solver_variant "diffusers-0.20" (the diffusers the ScaleCrafter reference
 * pins) against test/reference/dpm-solver-diffusers-0-20.ts, an independent plain-loop transcription
 * of 0.20.2's DPMSolverMultistepScheduler, which itself reproduces the full-loop values diffusers
 * 0.20 published in tests/schedulers/test_scheduler_dpm_multi.py. Fixture as there: sample =
 * arange(768)/768, model(x, t) = x·t/(t + 1).
 *
 * Tolerances: the reference keeps diffusers' float32 tables (α, σ, λ rounded to float32), the
 * implementation float64 ones; over 10–50 steps on O(1) values they differ by < 1e-6 (3.6e-7
 * measured), hence 5e-6 per element. The "current" variant differs from 0.20 by ~5e-4 on the
 * same loop, far outside it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { advanceSampler, isSamplingDone, startSampling } from '../../../app/diffusion/schedulers/sampler-state.js';
import { planSampling } from '../../../app/diffusion/schedulers/sampling-plan.js';
import type { Sampler } from '../../../app/diffusion/schedulers/sampling-types.js';
import {
  DIFFUSERS_DEFAULT_SCHEDULER_CONFIG, parseSchedulerConfig, STABLE_DIFFUSION_SCHEDULER_CONFIG, type SchedulerConfig,
} from '../../../app/diffusion/schedulers/scheduler-config.js';
import { diffusersV020Loop, diffusersV020Timesteps, type DiffusersV020DpmConfig } from '../../reference/dpm-solver-diffusers-0-20.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

const COUNT = 768;
const fixture = (): Float32Array => Float32Array.from({ length: COUNT }, (_, i) => i / COUNT);
const model = (x: Float32Array, t: number): Float32Array => x.map((value) => (value * t) / (t + 1));
const meanAbs = (x: Float32Array): number => x.reduce((sum, value) => sum + Math.abs(value), 0) / x.length;

/** diffusers' test config (linear β 1e-4 → 0.02, lower_order_final false), as the reference takes it. */
const TEST_CONFIG: DiffusersV020DpmConfig = {
  numTrainTimesteps: 1000, betaStart: 0.0001, betaEnd: 0.02, betaSchedule: 'linear', predictionType: 'epsilon',
  timestepSpacing: 'linspace', stepsOffset: 0, lowerOrderFinal: false, karras: false,
};
/** Stable Diffusion's scheduler_config.json (scaled_linear 0.00085 → 0.012, steps_offset 1). */
const SD_CONFIG: DiffusersV020DpmConfig = { ...TEST_CONFIG, betaStart: 0.00085, betaEnd: 0.012, betaSchedule: 'scaled_linear', stepsOffset: 1, lowerOrderFinal: true };

const legacy = (config: SchedulerConfig): SchedulerConfig => ({ ...config, dpm_solver_variant: 'diffusers-0.20', final_sigmas_type: 'sigma_min' });
const TEST_SCHEDULER: SchedulerConfig = { ...DIFFUSERS_DEFAULT_SCHEDULER_CONFIG, lower_order_final: false };

async function implementationLoop(config: SchedulerConfig, sampler: Sampler, steps: number): Promise<{ sample: Float32Array; timesteps: number[] }> {
  const plan = planSampling(config, sampler, steps);
  let state = startSampling(plan, fixture());
  while (!isSamplingDone(plan, state)) {
    state = await advanceSampler(plan, state, async ({ sample, timestep }) => model(sample, timestep));
  }
  return { sample: state.sample, timesteps: plan.steps.map((step) => step.timestep) };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  return a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i]!)), 0);
}

describe('the diffusers 0.20 reference reproduces diffusers 0.20\'s published DPM++ full-loop means (tolerance 1e-3, theirs)', () => {
  const cases: Array<[string, DiffusersV020DpmConfig, number]> = [
    ['test_full_loop_no_noise', TEST_CONFIG, 0.3301],
    ['test_full_loop_with_v_prediction', { ...TEST_CONFIG, predictionType: 'v_prediction' }, 0.2251],
    ['test_full_loop_with_karras_and_v_prediction', { ...TEST_CONFIG, predictionType: 'v_prediction', karras: true }, 0.2096],
  ];
  for (const [name, config, expected] of cases) {
    test(name, () => {
      const mean = meanAbs(diffusersV020Loop(config, 10, fixture(), model));
      assert.ok(Math.abs(mean - expected) < 1e-3, `${name}: ${mean} vs ${expected}`);
    });
  }
});

describe('DPM++ 2M, dpm_solver_variant "diffusers-0.20"', () => {
  test('Karras, SD schedule, 50 steps: the repeated timestep 1 is dropped, 49 steps run, timesteps as 0.20', async () => {
    const expected = diffusersV020Timesteps({ ...SD_CONFIG, karras: true }, 50);
    assert.equal(expected.length, 49);
    assert.deepEqual(expected.slice(-4), [4, 2, 1, 0]);
    const { timesteps } = await implementationLoop(legacy(STABLE_DIFFUSION_SCHEDULER_CONFIG), { kind: 'dpmpp_2m', karras: true }, 50);
    assert.deepEqual(timesteps, expected);
    const current = await implementationLoop({ ...STABLE_DIFFUSION_SCHEDULER_CONFIG, final_sigmas_type: 'sigma_min' }, { kind: 'dpmpp_2m', karras: true }, 50);
    assert.equal(current.timesteps.length, 50, 'the current variant keeps all 50');
  });

  const loops: Array<[string, SchedulerConfig, DiffusersV020DpmConfig, boolean, number]> = [
    ['Karras, SD schedule, 50 steps (second-order last step to t = 0)', STABLE_DIFFUSION_SCHEDULER_CONFIG, { ...SD_CONFIG, karras: true }, true, 50],
    ['Karras, SD schedule, 12 steps (lower_order_final: first-order last step)', STABLE_DIFFUSION_SCHEDULER_CONFIG, { ...SD_CONFIG, karras: true }, true, 12],
    ['Karras, v-prediction, diffusers test config, 10 steps', { ...TEST_SCHEDULER, prediction_type: 'v_prediction' }, { ...TEST_CONFIG, predictionType: 'v_prediction', karras: true }, true, 10],
    ['linspace, SD schedule, 25 steps', STABLE_DIFFUSION_SCHEDULER_CONFIG, SD_CONFIG, false, 25],
    ['leading spacing + steps_offset, SD schedule, 30 steps', { ...STABLE_DIFFUSION_SCHEDULER_CONFIG, timestep_spacing: 'leading' }, { ...SD_CONFIG, timestepSpacing: 'leading' }, false, 30],
  ];
  for (const [name, config, reference, karras, steps] of loops) {
    test(`full loop equals the 0.20 reference within 5e-6: ${name}`, async () => {
      const { sample, timesteps } = await implementationLoop(legacy(config), { kind: 'dpmpp_2m', karras }, steps);
      assert.deepEqual(timesteps, diffusersV020Timesteps(reference, steps));
      const expected = diffusersV020Loop(reference, steps, fixture(), model);
      assert.ok(maxAbsDiff(sample, expected) < 5e-6, `max |diff| ${maxAbsDiff(sample, expected)}`);
    });
  }

  test('the current variant is a different sampler on the same Karras loop (the option matters)', async () => {
    const { sample } = await implementationLoop({ ...STABLE_DIFFUSION_SCHEDULER_CONFIG, final_sigmas_type: 'sigma_min' }, { kind: 'dpmpp_2m', karras: true }, 50);
    assert.ok(maxAbsDiff(sample, diffusersV020Loop({ ...SD_CONFIG, karras: true }, 50, fixture(), model)) > 1e-4);
  });
});

describe('dpm_solver_variant in scheduler_config.json', () => {
  test('absent: "current"; "diffusers-0.20" makes final_sigmas_type default to "sigma_min"', () => {
    assert.equal(parseSchedulerConfig({}).dpm_solver_variant, 'current');
    assert.equal(parseSchedulerConfig({}).final_sigmas_type, 'zero');
    const config = parseSchedulerConfig({ dpm_solver_variant: 'diffusers-0.20', beta_schedule: 'scaled_linear' });
    assert.deepEqual([config.dpm_solver_variant, config.final_sigmas_type], ['diffusers-0.20', 'sigma_min']);
    assert.equal(parseSchedulerConfig({ final_sigmas_type: 'sigma_min' }).final_sigmas_type, 'sigma_min');
  });

  test('"diffusers-0.20" with final_sigmas_type "zero", or an unknown variant, is refused naming the key', () => {
    const failsOn = (key: string) => (error: unknown) => error instanceof UserFacingError && error.field === key;
    assert.throws(() => parseSchedulerConfig({ dpm_solver_variant: 'diffusers-0.20', final_sigmas_type: 'zero' }), failsOn('final_sigmas_type'));
    assert.throws(() => parseSchedulerConfig({ dpm_solver_variant: '0.20' }), failsOn('dpm_solver_variant'));
    assert.throws(() => planSampling({ ...DIFFUSERS_DEFAULT_SCHEDULER_CONFIG, dpm_solver_variant: 'diffusers-0.20' }, { kind: 'dpmpp_2m', karras: true }, 10), failsOn('final_sigmas_type'));
  });
});
