import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIFFUSERS_DEFAULT_SCHEDULER_CONFIG, STABLE_DIFFUSION_SCHEDULER_CONFIG } from '../../../app/diffusion/schedulers/scheduler-config.js';
import { karrasSigmas, sigmaAtTimestep, timestepForSigma, trainingNoiseSchedule } from '../../../app/diffusion/schedulers/training-schedule.js';

const schedule = trainingNoiseSchedule(STABLE_DIFFUSION_SCHEDULER_CONFIG);

test('Stable Diffusion σ range: σ(0) ≈ 0.0292, σ(999) ≈ 14.6146', () => {
  assert.equal((schedule.sigmas[0] as number).toFixed(4), '0.0292');
  assert.equal((schedule.sigmas[999] as number).toFixed(4), '14.6146');
});

test('linear betas: ᾱ_t = Π (1 − β_i) with β linear from beta_start to beta_end', () => {
  const linear = trainingNoiseSchedule(DIFFUSERS_DEFAULT_SCHEDULER_CONFIG);
  let product = 1;
  for (let t = 0; t < 1000; t++) product *= 1 - (0.0001 + (t * (0.02 - 0.0001)) / 999);
  assert.ok(Math.abs((linear.alphasCumprod[999] as number) / product - 1) < 1e-12);
});

test('σ at fractional t interpolates linearly in σ; t for a σ interpolates linearly in ln σ', () => {
  const [low, high] = [schedule.sigmas[400] as number, schedule.sigmas[401] as number];
  assert.ok(Math.abs(sigmaAtTimestep(schedule, 400.25) - (low + 0.25 * (high - low))) < 1e-15);
  for (const t of [0, 1, 400, 998, 999]) assert.ok(Math.abs(timestepForSigma(schedule, schedule.sigmas[t] as number) - t) < 1e-9, `t = ${t}`);
  // The geometric mean of σ(400) and σ(401) sits halfway in ln σ.
  assert.ok(Math.abs(timestepForSigma(schedule, Math.sqrt(low * high)) - 400.5) < 1e-9);
  // Outside the table the result clamps to its ends, as diffusers' _sigma_to_t does.
  assert.equal(timestepForSigma(schedule, 1e-6), 0);
  assert.equal(timestepForSigma(schedule, 100), 999);
});

test('Karras ramp endpoints and monotonicity', () => {
  const ramp = karrasSigmas(0.03, 14.6, 10);
  assert.ok(Math.abs((ramp[0] as number) - 14.6) < 1e-12);
  assert.ok(Math.abs((ramp[9] as number) - 0.03) < 1e-12);
  assert.ok(ramp.every((s, i) => i === 0 || s < (ramp[i - 1] as number)));
});
