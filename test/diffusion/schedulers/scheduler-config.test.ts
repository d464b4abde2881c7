import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DIFFUSERS_DEFAULT_SCHEDULER_CONFIG,
  STABLE_DIFFUSION_SCHEDULER_CONFIG,
  parseSchedulerConfig,
  parseSchedulerConfigText,
} from '../../../app/diffusion/schedulers/scheduler-config.js';
import { planSampling } from '../../../app/diffusion/schedulers/sampling-plan.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

/** runwayml/stable-diffusion-v1-5 scheduler/scheduler_config.json as published on the HF hub. */
const SD15_SCHEDULER_CONFIG_JSON = `{
  "_class_name": "PNDMScheduler",
  "_diffusers_version": "0.6.0",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "num_train_timesteps": 1000,
  "set_alpha_to_one": false,
  "skip_prk_steps": true,
  "steps_offset": 1,
  "trained_betas": null,
  "clip_sample": false
}`;

const failsOnKey = (key: string) => (error: unknown) => error instanceof UserFacingError && error.field === key && error.message.includes(key);

describe('parseSchedulerConfig', () => {
  test('reads an SD 1.5 scheduler_config.json: the SD schedule, spacing left to the sampler', () => {
    const config = parseSchedulerConfig(JSON.parse(SD15_SCHEDULER_CONFIG_JSON));
    assert.deepEqual(config, STABLE_DIFFUSION_SCHEDULER_CONFIG);
    assert.equal(config.timestep_spacing, undefined);
    // As DDIMScheduler.from_config / DPMSolverMultistepScheduler.from_config would: leading vs linspace.
    assert.equal(planSampling(config, { kind: 'ddim', eta: 0 }, 50).steps[0]?.timestep, 981);
    assert.equal(planSampling(config, { kind: 'dpmpp_2m', karras: false }, 50).steps[1]?.timestep, roundHalfEvenOf((999 * 49) / 50));
  });

  test('missing keys take diffusers constructor defaults', () => {
    assert.deepEqual(parseSchedulerConfig({}), DIFFUSERS_DEFAULT_SCHEDULER_CONFIG);
  });

  test('SDXL-style keys are accepted (Euler config with timestep_spacing, interpolation_type linear)', () => {
    const config = parseSchedulerConfig({
      _class_name: 'EulerDiscreteScheduler',
      beta_end: 0.012,
      beta_schedule: 'scaled_linear',
      beta_start: 0.00085,
      interpolation_type: 'linear',
      prediction_type: 'epsilon',
      steps_offset: 1,
      timestep_spacing: 'leading',
      trained_betas: null,
      use_karras_sigmas: false,
    });
    assert.equal(config.timestep_spacing, 'leading');
  });

  test('text as Python writes it: bare -Infinity (DPM lambda_min_clipped) is accepted, a finite clip rejected', () => {
    const text = '{"_class_name": "DPMSolverMultistepScheduler", "lambda_min_clipped": -Infinity, "beta_schedule": "scaled_linear"}';
    assert.equal(parseSchedulerConfigText(text).beta_schedule, 'scaled_linear');
    assert.throws(() => parseSchedulerConfigText('{"lambda_min_clipped": -5.1}'), failsOnKey('lambda_min_clipped'));
    assert.throws(() => parseSchedulerConfigText('{"beta_start": NaN}'), failsOnKey('beta_start'));
    assert.throws(() => parseSchedulerConfigText('{"beta_start": '), failsOnKey('(root)'));
  });

  test('unsupported values are rejected with the config key named', () => {
    assert.throws(() => parseSchedulerConfig({ beta_schedule: 'squaredcos_cap_v2' }), failsOnKey('beta_schedule'));
    assert.throws(() => parseSchedulerConfig({ trained_betas: [0.1, 0.2] }), failsOnKey('trained_betas'));
    assert.throws(() => parseSchedulerConfig({ rescale_betas_zero_snr: true }), failsOnKey('rescale_betas_zero_snr'));
    assert.throws(() => parseSchedulerConfig({ prediction_type: 'flow_prediction' }), failsOnKey('prediction_type'));
    assert.throws(() => parseSchedulerConfig({ timestep_spacing: 'even' }), failsOnKey('timestep_spacing'));
    assert.throws(() => parseSchedulerConfig({ thresholding: true }), failsOnKey('thresholding'));
    assert.throws(() => parseSchedulerConfig({ use_flow_sigmas: true }), failsOnKey('use_flow_sigmas'));
    assert.throws(() => parseSchedulerConfig({ flow_shift: 3 }), failsOnKey('flow_shift'));
    assert.throws(() => parseSchedulerConfig({ use_dynamic_shifting: true }), failsOnKey('use_dynamic_shifting'));
  });

  test('flow-matching keys at their diffusers defaults are accepted (current DPMSolverMultistepScheduler saves them)', () => {
    const config = parseSchedulerConfig({ use_flow_sigmas: false, flow_shift: 1.0, use_dynamic_shifting: false, beta_schedule: 'scaled_linear' });
    assert.equal(config.beta_schedule, 'scaled_linear');
    assert.equal(parseSchedulerConfig({ flow_shift: null }).beta_schedule, 'linear');
  });

  test('wrong types and ranges are rejected with the config key named', () => {
    assert.throws(() => parseSchedulerConfig({ num_train_timesteps: 999.5 }), failsOnKey('num_train_timesteps'));
    assert.throws(() => parseSchedulerConfig({ steps_offset: -1 }), failsOnKey('steps_offset'));
    assert.throws(() => parseSchedulerConfig({ clip_sample: 'no' }), failsOnKey('clip_sample'));
    assert.throws(() => parseSchedulerConfig({ beta_start: 0 }), failsOnKey('beta_start'));
    assert.throws(() => parseSchedulerConfig({ beta_start: 0.01, beta_end: 0.001 }), failsOnKey('beta_end'));
    assert.throws(() => parseSchedulerConfig([1, 2]), failsOnKey('(root)'));
  });
});

function roundHalfEvenOf(value: number): number {
  const floor = Math.floor(value);
  if (value - floor !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}
