import { defineNode } from '../app/engine/node-definition.js';
import { sampleStepWindow } from '../app/diffusion/pipeline/sample-latents.js';
import { runSamplerNode } from '../app/diffusion/pipeline/sampler-node-run.js';
import { SAMPLER_NAMES, samplerFromWidgets, SCHEDULE_NAMES } from '../app/diffusion/schedulers/index.js';

const TOGGLE = ['enable', 'disable'] as const;

/**
 * ComfyUI's KSamplerAdvanced: runs steps start_at_step … end_at_step − 1 of a steps-long schedule.
 * Two of them chained — the first returning its leftover noise, the second adding none — give the
 * one-sampler result (base/refiner splits, step-split schedules).
 */
export const kSamplerAdvanced = defineNode({
  schema: {
    type: 'KSamplerAdvanced',
    displayName: 'KSampler (Advanced)',
    category: 'sampling',
    description: 'Runs part of a sampling schedule (ComfyUI\'s KSamplerAdvanced): it can start part-way from a noisy latent, and stop early leaving noise for a next sampler.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'model', kind: 'socket', type: 'MODEL' },
      { name: 'positive', kind: 'socket', type: 'CONDITIONING' },
      { name: 'negative', kind: 'socket', type: 'CONDITIONING' },
      { name: 'latent_image', kind: 'socket', type: 'LATENT' },
      { name: 'add_noise', kind: 'COMBO', options: TOGGLE, default: 'enable', tooltip: 'disable for a latent that already holds its noise (a previous sampler\'s leftover)' },
      { name: 'noise_seed', kind: 'SEED', default: 0, controlDefault: 'randomize' },
      { name: 'steps', kind: 'INT', default: 20, min: 1, max: 1000, step: 1 },
      { name: 'cfg', kind: 'FLOAT', default: 8, min: 0, max: 100, step: 0.1, tooltip: 'guidance scale; 1 disables the unconditional pass' },
      { name: 'sampler_name', kind: 'COMBO', options: SAMPLER_NAMES, default: 'euler' },
      { name: 'scheduler', kind: 'COMBO', options: SCHEDULE_NAMES, default: 'normal' },
      { name: 'start_at_step', kind: 'INT', default: 0, min: 0, max: 10000, step: 1 },
      { name: 'end_at_step', kind: 'INT', default: 10000, min: 0, max: 10000, step: 1, tooltip: 'past the last step: run to the end' },
      { name: 'return_with_leftover_noise', kind: 'COMBO', options: ['disable', 'enable'] as const, default: 'disable', tooltip: 'enable: stop early without finishing, for a next sampler to continue' },
    ],
    outputs: [{ name: 'LATENT', type: 'LATENT' }],
  },
  execute: async (inputs, context) => {
    const { model, positive, negative } = inputs;
    const fields = { positive: 'positive', negative: 'negative', latent: 'latent_image' };
    const result = await runSamplerNode({ model, positive, negative, latent: inputs.latent_image, fields }, context, (prepared) =>
      sampleStepWindow({
        ...prepared,
        sampler: samplerFromWidgets(inputs.sampler_name, { schedule: inputs.scheduler, eta: 0 }),
        steps: inputs.steps,
        seed: BigInt(inputs.noise_seed),
        guidanceScale: inputs.cfg,
        addNoise: inputs.add_noise === 'enable',
        window: { start: inputs.start_at_step, end: inputs.end_at_step, finish: inputs.return_with_leftover_noise === 'disable' },
      }),
    );
    return { outputs: [result] };
  },
});
