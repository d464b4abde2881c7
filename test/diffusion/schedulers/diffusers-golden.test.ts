/**
 * diffusers' own published full-loop values (tests/schedulers/test_scheduler_ddim.py,
 * test_scheduler_euler.py, test_scheduler_dpm_multi.py), reproduced with their deterministic
 * fixtures: sample = arange(768)/768, noise = its reverse, model(x, t) = x·t/(t + 1). Sums and
 * means of |x| do not depend on element order, so the flat arrays stand in for their [4,3,8,8].
 * Tolerances are diffusers' (1e-2 on sums, 1e-3 on means) unless a comment says otherwise.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIFFUSERS_DEFAULT_SCHEDULER_CONFIG, type SchedulerConfig } from '../../../app/diffusion/schedulers/scheduler-config.js';
import type { Sampler } from '../../../app/diffusion/schedulers/sampling-types.js';
import { planSampling } from '../../../app/diffusion/schedulers/sampling-plan.js';
import { advanceSampler, initialLatents, isSamplingDone, modelInput, noisedLatents, startSampling } from '../../../app/diffusion/schedulers/sampler-state.js';

const COUNT = 768;
const sampleDeter = (): Float32Array => Float32Array.from({ length: COUNT }, (_, i) => i / COUNT);
const noiseDeter = (): Float32Array => Float32Array.from({ length: COUNT }, (_, i) => (COUNT - 1 - i) / COUNT);

interface Loop {
  readonly config: Partial<SchedulerConfig>;
  readonly sampler: Sampler;
  readonly steps: number;
  /** diffusers' t_start, expressed as our denoise = (N − t_start)/N. */
  readonly denoise?: number;
  /** Multiply the fixture by init_noise_sigma first (the Euler tests do). */
  readonly scaleByInitNoiseSigma?: boolean;
  /** diffusers' test_full_loop_with_noise: add_noise(sample, noise, timesteps[t_start]). */
  readonly addNoise?: boolean;
  /**
   * The Euler tests write `sample = scheduler.scale_model_input(sample, t)` and then pass that
   * scaled sample to step(); reproduce that to reproduce their numbers.
   */
  readonly stepOnScaledSample?: boolean;
}

async function absoluteSumAndMean(loop: Loop): Promise<{ sum: number; mean: number }> {
  const plan = planSampling({ ...DIFFUSERS_DEFAULT_SCHEDULER_CONFIG, ...loop.config }, loop.sampler, loop.steps, loop.denoise ?? 1);
  let latents = sampleDeter();
  if (loop.scaleByInitNoiseSigma) latents = initialLatents(plan, latents);
  if (loop.addNoise) latents = noisedLatents(plan, latents, noiseDeter());
  let state = startSampling(plan, latents);
  const model = (x: Float32Array, timestep: number): Float32Array => x.map((value) => (value * timestep) / (timestep + 1));
  while (!isSamplingDone(plan, state)) {
    // From a scaled state advanceSampler would hand the model a twice-scaled input; diffusers' model sees the scaled sample.
    const from = loop.stepOnScaledSample ? { ...state, sample: modelInput(plan, state).sample } : state;
    state = await advanceSampler(plan, from, async ({ sample, timestep }) => model(loop.stepOnScaledSample ? from.sample : sample, timestep));
  }
  let sum = 0;
  for (const x of state.sample) sum += Math.abs(x);
  return { sum, mean: sum / COUNT };
}

function assertClose(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < tolerance, `${what}: expected ${expected} ± ${tolerance}, got ${actual}`);
}

describe('DDIMScheduler (config: linear β 1e-4 → 0.02, clip_sample true, 10 steps)', () => {
  const ddim: Sampler = { kind: 'ddim', eta: 0 };
  const cases: Array<[string, Loop, number, number]> = [
    ['test_full_loop_no_noise', { config: {}, sampler: ddim, steps: 10 }, 172.0067, 0.223967],
    ['test_full_loop_with_v_prediction', { config: { prediction_type: 'v_prediction' }, sampler: ddim, steps: 10 }, 52.5302, 0.0684],
    ['test_full_loop_with_set_alpha_to_one', { config: { set_alpha_to_one: true, beta_start: 0.01 }, sampler: ddim, steps: 10 }, 149.8295, 0.1951],
    ['test_full_loop_with_no_set_alpha_to_one', { config: { set_alpha_to_one: false, beta_start: 0.01 }, sampler: ddim, steps: 10 }, 149.0784, 0.1941],
    ['test_full_loop_with_noise (t_start 8)', { config: {}, sampler: ddim, steps: 10, denoise: 0.2, addNoise: true }, 354.5418, 0.4616],
  ];
  for (const [name, loop, sum, mean] of cases) {
    test(name, async () => {
      const result = await absoluteSumAndMean(loop);
      assertClose(result.sum, sum, 1e-2, 'sum');
      assertClose(result.mean, mean, 1e-3, 'mean');
    });
  }
});

describe('EulerDiscreteScheduler (config: 1100 train steps, linear β, 10 steps)', () => {
  const base = { num_train_timesteps: 1100 };
  const euler = (karras = false): Loop => ({ config: base, sampler: { kind: 'euler', karras }, steps: 10, scaleByInitNoiseSigma: true, stepOnScaledSample: true });

  test('test_full_loop_no_noise', async () => {
    const result = await absoluteSumAndMean(euler());
    assertClose(result.sum, 10.0807, 1e-2, 'sum');
    assertClose(result.mean, 0.0131, 1e-3, 'mean');
  });
  test('test_full_loop_with_v_prediction', async () => {
    const result = await absoluteSumAndMean({ ...euler(), config: { ...base, prediction_type: 'v_prediction' } });
    assertClose(result.sum, 0.0002, 1e-2, 'sum');
  });
  test('test_full_loop_device_karras_sigmas', async () => {
    const result = await absoluteSumAndMean(euler(true));
    assertClose(result.sum, 124.52299499511719, 1e-2, 'sum');
    assertClose(result.mean, 0.16213932633399963, 1e-3, 'mean');
  });
  test('test_full_loop_with_noise (t_start 8)', async () => {
    const result = await absoluteSumAndMean({ ...euler(), denoise: 0.2, addNoise: true });
    // diffusers computes in float32 and asserts 57062.9297 ± 1e-2 (1.8e-7 relative, i.e. float32's
    // own rounding); in float64 the same loop gives 57062.857 (checked with a numpy transcription
    // in both precisions). Hence a relative tolerance of 1e-5.
    assertClose(result.sum, 57062.9297, 57062.9297 * 1e-5, 'sum');
    assertClose(result.mean, 74.3007, 1e-3, 'mean');
  });
});

describe('DPMSolverMultistepScheduler (dpmsolver++, order 2, final_sigmas_type sigma_min, lower_order_final false, 10 steps)', () => {
  const base: Partial<SchedulerConfig> = { final_sigmas_type: 'sigma_min', lower_order_final: false };
  const dpm = (karras: boolean): Sampler => ({ kind: 'dpmpp_2m', karras });

  test('test_full_loop_no_noise', async () => {
    assertClose((await absoluteSumAndMean({ config: base, sampler: dpm(false), steps: 10 })).mean, 0.3301, 1e-3, 'mean');
  });
  test('test_full_loop_with_noise (t_start 5)', async () => {
    const result = await absoluteSumAndMean({ config: base, sampler: dpm(false), steps: 10, denoise: 0.5, addNoise: true });
    assertClose(result.sum, 318.4111, 1e-2, 'sum');
    assertClose(result.mean, 0.4146, 1e-3, 'mean');
  });
  test('test_full_loop_with_v_prediction', async () => {
    assertClose((await absoluteSumAndMean({ config: { ...base, prediction_type: 'v_prediction' }, sampler: dpm(false), steps: 10 })).mean, 0.2251, 1e-3, 'mean');
  });
  test('test_full_loop_with_karras_and_v_prediction', async () => {
    // The 0.2096 golden dates from diffusers 0.15 (PR #3001); current diffusers gives 0.2092
    // (independent numpy transcription), inside diffusers' own 1e-3 tolerance.
    assertClose((await absoluteSumAndMean({ config: { ...base, prediction_type: 'v_prediction' }, sampler: dpm(true), steps: 10 })).mean, 0.2096, 1e-3, 'mean');
  });
});
