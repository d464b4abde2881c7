/**
 * ComfyUI's schedulers against values computed from ComfyUI's formulas by an independent numpy /
 * scipy transcription (test/fixtures/comfyui/scheduler-sigmas.py, float64 like ours, so 1e-9
 * relative), the beta scheduler's quantile function against scipy's beta.ppf (1e-9), and the plans
 * built from them: ComfyUI's nearest-timestep rule, dpm_2's dropped penultimate σ, and the start
 * noise scale (sqrt(1 + σ²) at σ_max).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import { STABLE_DIFFUSION_SCHEDULER_CONFIG } from '../../../app/diffusion/schedulers/scheduler-config.js';
import { trainingNoiseSchedule } from '../../../app/diffusion/schedulers/training-schedule.js';
import { nearestTimestep, SCHEDULE_NAMES, scheduleSigmas, type ScheduleName } from '../../../app/diffusion/schedulers/sigma-schedules.js';
import { planSampling } from '../../../app/diffusion/schedulers/sampling-plan.js';

interface Expected {
  sigmas: Record<ScheduleName, Record<string, number[]>>;
  beta_ppf_0_6: [number, number][];
}

const expected = JSON.parse(readFileSync(new URL('../../fixtures/comfyui/scheduler-sigmas.json', import.meta.url), 'utf8')) as Expected;
const SD = STABLE_DIFFUSION_SCHEDULER_CONFIG;
const schedule = trainingNoiseSchedule(SD);

function assertRelativelyClose(actual: readonly number[], wanted: readonly number[], tolerance: number, label: string): void {
  assert.equal(actual.length, wanted.length, `${label}: ${actual.length} σ's, expected ${wanted.length}`);
  wanted.forEach((value, i) => {
    const difference = Math.abs((actual[i] as number) - value);
    assert.ok(difference <= tolerance * Math.max(Math.abs(value), 1e-300), `${label}[${i}]: ${actual[i]} vs ${value}`);
  });
}

describe("ComfyUI's schedulers on SD's training table", () => {
  for (const name of SCHEDULE_NAMES) {
    test(name, () => {
      const cases = Object.entries(expected.sigmas[name]);
      assert.ok(cases.length >= 3);
      for (const [steps, sigmas] of cases) assertRelativelyClose(scheduleSigmas(name, schedule, Number(steps)), sigmas, 1e-9, `${name} ${steps}`);
    });
  }

  test('ddim_uniform lays out a step more where T/N leaves room, beta drops repeated timesteps', () => {
    assert.equal(scheduleSigmas('ddim_uniform', schedule, 7).length, 9);
    assert.equal(scheduleSigmas('beta', schedule, 150).length, 150);
  });
});

describe("the beta scheduler's quantile function", () => {
  test("equals scipy.stats.beta.ppf(p, 0.6, 0.6) to 1e-9", () => {
    for (const [p, value] of expected.beta_ppf_0_6) assert.ok(Math.abs(betaQuantile(p, 0.6, 0.6) - value) <= 1e-9 * Math.max(value, 1e-12) + 1e-15, `ppf(${p})`);
  });
});

describe('plans from a ComfyUI schedule', () => {
  test('each step gets the training timestep nearest in ln σ', () => {
    const plan = planSampling(SD, { kind: 'heun', schedule: 'exponential' }, 10);
    for (const step of plan.steps) {
      const distances = [...schedule.logSigmas].map((logSigma) => Math.abs(logSigma - Math.log(step.sigma)));
      assert.equal(step.timestep, distances.indexOf(Math.min(...distances)));
      assert.equal(step.timestep, nearestTimestep(schedule, step.sigma));
    }
  });

  test('dpm_2 plans N + 1 σ\'s and drops the one before 0, as ComfyUI\'s KSampler does', () => {
    const plan = planSampling(SD, { kind: 'dpm_2', schedule: 'karras' }, 10);
    const eleven = scheduleSigmas('karras', schedule, 11);
    const walked = [...plan.steps.map((step) => step.sigma), plan.steps[plan.steps.length - 1]!.sigmaNext];
    assert.deepEqual(walked, [...eleven.slice(0, -2), 0]);
    assert.equal(plan.steps.length, 10);
  });

  test('the start noise is sqrt(1 + σ²) at σ_max and σ below it; VP latents take α of it', () => {
    const atMax = planSampling(SD, { kind: 'heun', schedule: 'karras' }, 10);
    const sigmaMax = atMax.steps[0]!.sigma;
    assert.ok(Math.abs(atMax.initNoiseSigma - Math.sqrt(1 + sigmaMax ** 2)) < 1e-12);
    const below = planSampling(SD, { kind: 'heun', schedule: 'ddim_uniform' }, 10);
    assert.equal(below.initNoiseSigma, below.steps[0]!.sigma);
    const variancePreserving = planSampling(SD, { kind: 'dpmpp_2m', karras: false, schedule: 'karras' }, 10);
    assert.ok(Math.abs(variancePreserving.initNoiseSigma - 1) < 1e-12);
  });
});
