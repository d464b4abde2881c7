/**
 * Timesteps each sampler hands the UNet, against values stated in diffusers' tests and docs and the
 * definitions in Lin et al. 2023 ("Common Diffusion Noise Schedules and Sample Steps are Flawed",
 * table 2: leading, linspace, trailing). Expected lists are written out from those definitions.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIFFUSERS_DEFAULT_SCHEDULER_CONFIG, STABLE_DIFFUSION_SCHEDULER_CONFIG, type SchedulerConfig } from '../../../app/diffusion/schedulers/scheduler-config.js';
import type { Sampler } from '../../../app/diffusion/schedulers/sampling-types.js';
import { planSampling } from '../../../app/diffusion/schedulers/sampling-plan.js';

const timestepsOf = (config: SchedulerConfig, sampler: Sampler, steps: number): number[] =>
  planSampling(config, sampler, steps).steps.map((step) => step.timestep);
const ddim: Sampler = { kind: 'ddim', eta: 0 };
const euler: Sampler = { kind: 'euler' };
const dpm: Sampler = { kind: 'dpmpp_2m', karras: false };

describe('DDIM', () => {
  test('Stable Diffusion, 50 leading steps: 981, 961, …, 1', () => {
    const expected = Array.from({ length: 50 }, (_, i) => 981 - 20 * i);
    assert.deepEqual(timestepsOf(STABLE_DIFFUSION_SCHEDULER_CONFIG, ddim, 50), expected);
    assert.equal(expected[49], 1);
  });

  test('diffusers test_steps_offset: 5 steps with steps_offset 1 → [801, 601, 401, 201, 1]', () => {
    assert.deepEqual(timestepsOf({ ...DIFFUSERS_DEFAULT_SCHEDULER_CONFIG, steps_offset: 1 }, ddim, 5), [801, 601, 401, 201, 1]);
  });

  test('10 steps of 1000: leading 900…0, trailing 999…99, linspace 999…0 (Lin et al. table 2)', () => {
    const base = { ...DIFFUSERS_DEFAULT_SCHEDULER_CONFIG };
    const k = Array.from({ length: 10 }, (_, i) => 9 - i);
    assert.deepEqual(timestepsOf({ ...base, timestep_spacing: 'leading' }, ddim, 10), k.map((i) => 100 * i));
    assert.deepEqual(timestepsOf({ ...base, timestep_spacing: 'trailing' }, ddim, 10), k.map((i) => 100 * (i + 1) - 1));
    assert.deepEqual(timestepsOf({ ...base, timestep_spacing: 'linspace' }, ddim, 10), k.map((i) => 111 * i));
  });

  test('linspace is rounded half to even: 6 steps of 999/5 = 199.8 spacing', () => {
    // linspace(0, 999, 7) = 0, 166.5, 333, 499.5, 666, 832.5, 999 → np.round → 0, 166, 333, 500, 666, 832, 999
    assert.deepEqual(timestepsOf({ ...DIFFUSERS_DEFAULT_SCHEDULER_CONFIG, timestep_spacing: 'linspace' }, ddim, 7), [999, 832, 666, 500, 333, 166, 0]);
  });

  test('trailing with 61 steps yields 61 non-negative timesteps (numpy arange yields 62)', () => {
    const timesteps = timestepsOf({ ...DIFFUSERS_DEFAULT_SCHEDULER_CONFIG, timestep_spacing: 'trailing' }, ddim, 61);
    assert.equal(timesteps.length, 61);
    assert.equal(timesteps[0], 999);
    assert.ok(timesteps.every((t) => t >= 0));
  });
});

describe('Euler family', () => {
  test('linspace keeps fractional timesteps (as float32): 7 steps → 999, 832.5, …, 0', () => {
    const timesteps = timestepsOf(DIFFUSERS_DEFAULT_SCHEDULER_CONFIG, euler, 7);
    assert.deepEqual(timesteps, [999, 832.5, 666, 499.5, 333, 166.5, 0]);
    assert.deepEqual(timestepsOf(DIFFUSERS_DEFAULT_SCHEDULER_CONFIG, { kind: 'euler_ancestral' }, 7), timesteps);
  });

  test('non-representable linspace values are float32-rounded: 10 of 1100 → step 122.111…', () => {
    const timesteps = timestepsOf({ ...DIFFUSERS_DEFAULT_SCHEDULER_CONFIG, num_train_timesteps: 1100 }, euler, 10);
    assert.equal(timesteps[1], Math.fround(1099 - 1099 / 9));
    assert.notEqual(timesteps[1], 1099 - 1099 / 9);
  });

  test('SDXL config (leading, steps_offset 1), 30 steps: 1000 // 30 = 33 → 958, 925, …, 1', () => {
    const sdxl = { ...STABLE_DIFFUSION_SCHEDULER_CONFIG, timestep_spacing: 'leading' as const };
    assert.deepEqual(timestepsOf(sdxl, euler, 30), Array.from({ length: 30 }, (_, i) => 958 - 33 * i));
  });
});

describe('DPM++ 2M', () => {
  test('linspace spaces N + 1 points and drops t = 0: 10 steps → 999, 899, …, 99 after rounding', () => {
    // linspace(0, 999, 11) = 99.9·k → rounded 0, 100, 200, 300, 400, 500 (499.5 → even), 599, 699, 799, 899, 999
    assert.deepEqual(timestepsOf(DIFFUSERS_DEFAULT_SCHEDULER_CONFIG, dpm, 10), [999, 899, 799, 699, 599, 500, 400, 300, 200, 100]);
  });

  test('leading divides by N + 1: 9 steps of 1000 → 900, 800, …, 100 (+ offset)', () => {
    const config = { ...STABLE_DIFFUSION_SCHEDULER_CONFIG, timestep_spacing: 'leading' as const };
    assert.deepEqual(timestepsOf(config, dpm, 9), Array.from({ length: 9 }, (_, i) => 901 - 100 * i));
  });

  test('Karras timesteps are the rounded log-σ positions of the ramp (first 999, last 0, descending)', () => {
    const timesteps = timestepsOf(STABLE_DIFFUSION_SCHEDULER_CONFIG, { kind: 'dpmpp_2m', karras: true }, 25);
    assert.equal(timesteps[0], 999);
    assert.equal(timesteps[24], 0);
    assert.ok(timesteps.every((t, i) => Number.isInteger(t) && (i === 0 || t <= (timesteps[i - 1] as number))));
  });
});
