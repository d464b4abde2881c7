/**
 * The samplers ported from k-diffusion against naive float64 transcriptions of ComfyUI's loops
 * (test/reference/k-diffusion-samplers.ts), on Gaussian data whose exact denoiser is known in
 * closed form, with the same σ's and the same unit-Gaussian draws. The app stores latents as
 * float32 and the toy UNet answers ε in float32 (D = x − σ·ε then carries σ_max·2⁻²⁴ ≈ 1e-6 at
 * σ_max ≈ 14.6), so trajectories agree to float32 rounding: |ours − reference| ≤ 5e-6 ·
 * max(1, |reference|) after a full run (12 steps; 1–4 for the short-run check).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { STABLE_DIFFUSION_SCHEDULER_CONFIG } from '../../../app/diffusion/schedulers/scheduler-config.js';
import { planSampling } from '../../../app/diffusion/schedulers/sampling-plan.js';
import { advanceSampler, initialLatents, isSamplingDone, startSampling, type ModelEvaluation } from '../../../app/diffusion/schedulers/sampler-state.js';
import { samplerFromWidgets, type SamplerKind } from '../../../app/diffusion/schedulers/sampler-registry.js';
import type { ScheduleName } from '../../../app/diffusion/schedulers/sigma-schedules.js';
import type { SamplingPlan } from '../../../app/diffusion/schedulers/sampling-types.js';
import { gaussianNoise } from '../../../app/diffusion/noise/gaussian-noise.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';
import { gaussianModel, idealDenoised } from './gaussian-toy.js';
import * as reference from '../../reference/k-diffusion-samplers.js';
import { sampleUniPc } from '../../reference/uni-pc.js';

const SIZE = 48;
const STEPS = 12;
const STD = 0.5;
const MEANS = Float32Array.from({ length: SIZE }, (_, i) => 0.8 * Math.sin(i + 1));
const TOLERANCE = 5e-6;

const exactDenoiser: reference.Denoiser = (x, sigma) => x.map((value, i) => idealDenoised(value, sigma, MEANS[i] as number, STD));

type ReferenceLoop = (model: reference.Denoiser, start: reference.Vector, sigmas: readonly number[], draws: reference.StepDraws) => reference.Vector;

const LOOPS: Record<string, ReferenceLoop> = {
  heun: (model, start, sigmas) => reference.sampleHeun(model, start, sigmas),
  heunpp2: (model, start, sigmas) => reference.sampleHeunpp2(model, start, sigmas),
  dpm_2: (model, start, sigmas) => reference.sampleDpm2(model, start, sigmas),
  dpm_2_ancestral: reference.sampleDpm2Ancestral,
  lms: (model, start, sigmas) => reference.sampleLms(model, start, sigmas),
  dpmpp_2s_ancestral: reference.sampleDpmpp2sAncestral,
  dpmpp_sde: reference.sampleDpmppSde,
  dpmpp_2m_sde: (model, start, sigmas, draws) => reference.sampleDpmpp2mSde(model, start, sigmas, draws, 'midpoint'),
  dpmpp_2m_sde_heun: (model, start, sigmas, draws) => reference.sampleDpmpp2mSde(model, start, sigmas, draws, 'heun'),
  dpmpp_3m_sde: reference.sampleDpmpp3mSde,
  ddpm: reference.sampleDdpm,
  lcm: reference.sampleLcm,
  ipndm: (model, start, sigmas) => reference.sampleIpndm(model, start, sigmas),
  ipndm_v: (model, start, sigmas) => reference.sampleIpndmV(model, start, sigmas),
  uni_pc: (model, start, sigmas) => sampleUniPc(model, start, sigmas, 'bh1'),
  uni_pc_bh2: (model, start, sigmas) => sampleUniPc(model, start, sigmas, 'bh2'),
};

/** Step i's unit-Gaussian draws, the same for both implementations. */
function stepDraws(plan: SamplingPlan): Float32Array[][] {
  return plan.steps.map((_, i) => Array.from({ length: plan.stepNoiseDraws }, (__, k) => gaussianNoise(11, SIZE, 100 + 2 * i + k)));
}

async function runOurs(plan: SamplingPlan, start: Float32Array, draws: Float32Array[][], seen: ModelEvaluation[] = []): Promise<Float32Array> {
  const model = gaussianModel('epsilon', MEANS, STD);
  let state = startSampling(plan, start);
  while (!isSamplingDone(plan, state)) {
    state = await advanceSampler(plan, state, async (evaluation) => {
      seen.push(evaluation);
      return model(evaluation.sample, evaluation.sigma);
    }, draws[state.position]);
  }
  return state.sample;
}

function assertClose(ours: Float32Array, expected: reference.Vector, label: string): void {
  let worst = 0;
  expected.forEach((value, i) => {
    worst = Math.max(worst, Math.abs((ours[i] as number) - value) / Math.max(1, Math.abs(value)));
  });
  assert.ok(worst <= TOLERANCE, `${label}: worst relative difference ${worst.toExponential(2)} > ${TOLERANCE}`);
}

async function compareWithReference(name: string, schedule: ScheduleName, steps: number): Promise<void> {
  const plan = planSampling(STABLE_DIFFUSION_SCHEDULER_CONFIG, samplerFromWidgets(name as SamplerKind, { schedule, eta: 0 }), steps);
  const start = initialLatents(plan, gaussianNoise(5, SIZE));
  const draws = stepDraws(plan);
  const sigmas = [...plan.steps.map((step) => step.sigma), plan.steps[plan.steps.length - 1]!.sigmaNext];
  const expected = LOOPS[name]!(exactDenoiser, [...start], sigmas, (i) => draws[i]!.map((draw) => [...draw]));
  assertClose(await runOurs(plan, start, draws), expected, `${name} + ${schedule}, ${steps} steps`);
}

describe('k-diffusion samplers against the reference loops', () => {
  for (const name of Object.keys(LOOPS)) {
    for (const schedule of ['karras', 'normal'] satisfies ScheduleName[]) {
      test(`${name} with ${schedule}`, () => compareWithReference(name, schedule, STEPS));
    }
  }
  test('multistep samplers on runs too short for their full order (1–4 steps)', async () => {
    for (const name of ['uni_pc', 'uni_pc_bh2', 'lms', 'ipndm', 'ipndm_v', 'dpmpp_3m_sde', 'heunpp2']) {
      for (const steps of [1, 2, 3, 4]) await compareWithReference(name, 'exponential', steps);
    }
  });
});

describe('model evaluations of a multi-evaluation sampler', () => {
  test('heun evaluates twice per step except the last, each evaluation carrying its own step', async () => {
    const plan = planSampling(STABLE_DIFFUSION_SCHEDULER_CONFIG, { kind: 'heun', schedule: 'karras' }, 4);
    const seen: ModelEvaluation[] = [];
    await runOurs(plan, initialLatents(plan, gaussianNoise(5, SIZE)), stepDraws(plan), seen);
    const sigmas = plan.steps.map((step) => step.sigma);
    assert.deepEqual(seen.map((evaluation) => evaluation.step.index), [0, 0, 1, 1, 2, 2, 3]);
    assert.deepEqual(seen.map((evaluation) => evaluation.sigma), [sigmas[0], sigmas[1], sigmas[1], sigmas[2], sigmas[2], sigmas[3], sigmas[3]]);
    // The corrector at σ_{i+1} gets the timestep the next step's own evaluation gets.
    assert.equal(seen[1]!.timestep, seen[2]!.timestep);
    seen.forEach((evaluation) => {
      const scale = 1 / Math.sqrt(evaluation.sigma ** 2 + 1);
      assert.ok(Number.isInteger(evaluation.timestep), 'ComfyUI gives the UNet the nearest training timestep');
      assert.ok(evaluation.sample.every((value) => Number.isFinite(value)) && scale < 1);
    });
  });

  test('DPM++ SDE without its two noise arrays is refused on the noise field', async () => {
    const plan = planSampling(STABLE_DIFFUSION_SCHEDULER_CONFIG, { kind: 'dpmpp_sde', schedule: 'karras' }, 4);
    const state = startSampling(plan, new Float32Array(SIZE).fill(1));
    await assert.rejects(
      advanceSampler(plan, state, async () => new Float32Array(SIZE), [gaussianNoise(1, SIZE)]),
      (error: unknown) => error instanceof UserFacingError && error.field === 'noise',
    );
  });
});
