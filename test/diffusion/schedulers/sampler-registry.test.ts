/**
 * The sampler registry is the one list the Sampler node, the ComfyUI import and the plan/step
 * dispatch read: these tests check that each consumer sees exactly that list, that every sampler
 * takes every scheduler (as ComfyUI allows), and that what a descriptor claims (step noise) is what
 * its plan really does.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STABLE_DIFFUSION_SCHEDULER_CONFIG } from '../../../app/diffusion/schedulers/scheduler-config.js';
import { planSampling } from '../../../app/diffusion/schedulers/sampling-plan.js';
import { COMFY_SAMPLER_NAMES, SAMPLER_NAMES, samplerFromWidgets, type SamplerKind } from '../../../app/diffusion/schedulers/sampler-registry.js';
import { SCHEDULE_NAMES, type ScheduleName } from '../../../app/diffusion/schedulers/sigma-schedules.js';
import { sampler as samplerNode } from '../../../nodes/sampler.js';
import { COMFY_NODE_MAP } from '../../../app/engine/comfyui/node-map.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

const SD = STABLE_DIFFUSION_SCHEDULER_CONFIG;
const sigmasOf = (name: SamplerKind, schedule: ScheduleName): number[] =>
  planSampling(SD, samplerFromWidgets(name, { schedule, eta: 0 }), 12).steps.map((step) => step.sigma);

describe('sampler registry', () => {
  test('names are unique and each builds a sampler of its own kind', () => {
    assert.equal(new Set(SAMPLER_NAMES).size, SAMPLER_NAMES.length);
    for (const name of SAMPLER_NAMES) assert.equal(samplerFromWidgets(name, { schedule: 'normal', eta: 0 }).kind, name);
  });

  test('every sampler takes every scheduler, and each scheduler changes the planned sigmas', () => {
    for (const name of SAMPLER_NAMES) {
      const plans = SCHEDULE_NAMES.map((schedule) => JSON.stringify(sigmasOf(name, schedule)));
      assert.equal(new Set(plans).size, SCHEDULE_NAMES.length, `${name}: ${plans.join('\n')}`);
    }
  });

  test('the widgets reach the algorithm: eta turns on DDIM step noise', () => {
    const plan = (eta: number) => planSampling(SD, samplerFromWidgets('ddim', { schedule: 'normal', eta }), 10);
    assert.equal(plan(0).needsStepNoise, false);
    assert.equal(plan(0.5).needsStepNoise, true);
    assert.equal(planSampling(SD, samplerFromWidgets('euler_ancestral', { schedule: 'normal', eta: 0 }), 10).needsStepNoise, true);
    assert.equal(planSampling(SD, samplerFromWidgets('dpmpp_sde', { schedule: 'karras', eta: 0 }), 10).stepNoiseDraws, 2);
    assert.equal(planSampling(SD, samplerFromWidgets('heun', { schedule: 'karras', eta: 0 }), 10).needsStepNoise, false);
  });

  test('an unknown name is refused, naming the known ones', () => {
    assert.throws(
      () => samplerFromWidgets('dpm_fast' as SamplerKind, { schedule: 'normal', eta: 0 }),
      (error: unknown) => error instanceof UserFacingError && SAMPLER_NAMES.every((name) => error.message.includes(name) || String(error.hint).includes(name)),
    );
  });

  test("KSampler's sampler_name converts through the registry's ComfyUI names", () => {
    const convert = COMFY_NODE_MAP.get('KSampler')?.convert?.['sampler'];
    assert.ok(convert);
    assert.ok(Object.keys(COMFY_SAMPLER_NAMES).length > 0);
    for (const [comfy, ours] of Object.entries(COMFY_SAMPLER_NAMES)) {
      assert.ok(SAMPLER_NAMES.includes(ours));
      assert.deepEqual(convert(comfy), { value: ours });
    }
    assert.match(convert('dpm_fast').note ?? '', /has no counterpart/);
    // ComfyUI's _gpu twins import as the sampler itself and export under its own name.
    const back = COMFY_NODE_MAP.get('KSampler')?.convertBack?.['sampler'];
    for (const twin of ['dpmpp_sde_gpu', 'dpmpp_2m_sde_gpu', 'dpmpp_2m_sde_heun_gpu', 'dpmpp_3m_sde_gpu']) {
      const { value, note } = convert(twin);
      assert.equal(note, undefined);
      assert.equal(back?.(value), twin.replace(/_gpu$/, ''));
    }
  });

  test("the Sampler node offers the registry's samplers and ComfyUI's schedulers, in any pairing", () => {
    const widget = samplerNode.schema.inputs.find((input) => input.name === 'sampler');
    assert.ok(widget?.kind === 'COMBO');
    assert.deepEqual(widget.options, SAMPLER_NAMES);
    const scheduler = samplerNode.schema.inputs.find((input) => input.name === 'scheduler');
    assert.ok(scheduler?.kind === 'COMBO');
    assert.deepEqual(scheduler.options, SCHEDULE_NAMES);
    for (const name of SAMPLER_NAMES) {
      for (const schedule of SCHEDULE_NAMES) assert.deepEqual(samplerNode.checkWidgets?.({ sampler: name, scheduler: schedule }) ?? [], [], `${name} + ${schedule}`);
    }
  });
});
