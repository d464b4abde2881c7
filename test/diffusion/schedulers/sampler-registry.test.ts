/**
 * The sampler registry is the one list the Sampler node, the ComfyUI import and the plan/step
 * dispatch read: these tests check that each consumer sees exactly that list, and that what a
 * descriptor claims (Karras support, step noise) is what its plan really does.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STABLE_DIFFUSION_SCHEDULER_CONFIG } from '../../../app/diffusion/schedulers/scheduler-config.js';
import { planSampling } from '../../../app/diffusion/schedulers/sampling-plan.js';
import { COMFY_SAMPLER_NAMES, KARRAS_SAMPLER_NAMES, SAMPLER_NAMES, samplerFromWidgets, type SamplerKind } from '../../../app/diffusion/schedulers/sampler-registry.js';
import { sampler as samplerNode } from '../../../nodes/sampler.js';
import { COMFY_NODE_MAP } from '../../../app/engine/comfyui/node-map.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

const SD = STABLE_DIFFUSION_SCHEDULER_CONFIG;
const sigmasOf = (name: SamplerKind, karras: boolean): number[] =>
  planSampling(SD, samplerFromWidgets(name, { karras, eta: 0 }), 12).steps.map((step) => step.sigma);

describe('sampler registry', () => {
  test('names are unique and each builds a sampler of its own kind', () => {
    assert.equal(new Set(SAMPLER_NAMES).size, SAMPLER_NAMES.length);
    for (const name of SAMPLER_NAMES) assert.equal(samplerFromWidgets(name, { karras: false, eta: 0 }).kind, name);
  });

  test('a sampler supports Karras exactly when asking for it changes the planned sigmas', () => {
    for (const name of SAMPLER_NAMES) {
      if (KARRAS_SAMPLER_NAMES.includes(name)) assert.notDeepEqual(sigmasOf(name, true), sigmasOf(name, false), name);
    }
    assert.deepEqual([...KARRAS_SAMPLER_NAMES].sort(), ['dpmpp_2m', 'euler']);
  });

  test('the widgets reach the algorithm: eta turns on DDIM step noise', () => {
    const plan = (eta: number) => planSampling(SD, samplerFromWidgets('ddim', { karras: false, eta }), 10);
    assert.equal(plan(0).needsStepNoise, false);
    assert.equal(plan(0.5).needsStepNoise, true);
    assert.equal(planSampling(SD, samplerFromWidgets('euler_ancestral', { karras: false, eta: 0 }), 10).needsStepNoise, true);
  });

  test('an unknown name is refused, naming the known ones', () => {
    assert.throws(
      () => samplerFromWidgets('heun' as SamplerKind, { karras: false, eta: 0 }),
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
    assert.match(convert('heun').note ?? '', /has no counterpart/);
  });

  test("the Sampler node offers the registry's samplers and allows karras only where it is supported", () => {
    const widget = samplerNode.schema.inputs.find((input) => input.name === 'sampler');
    assert.ok(widget?.kind === 'COMBO');
    assert.deepEqual(widget.options, SAMPLER_NAMES);
    for (const name of SAMPLER_NAMES) {
      const problems = samplerNode.checkWidgets?.({ sampler: name, scheduler: 'karras' }) ?? [];
      assert.equal(problems.length === 0, KARRAS_SAMPLER_NAMES.includes(name), name);
    }
  });
});
