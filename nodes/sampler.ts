import { defineNode, type FieldProblem } from '../app/engine/node-definition.js';
import { sampleLatents } from '../app/diffusion/pipeline/sample-latents.js';
import { runSamplerNode } from '../app/diffusion/pipeline/sampler-node-run.js';
import { SAMPLER_NAMES, samplerFromWidgets, SAMPLER_LABELS, SCHEDULE_NAMES } from '../app/diffusion/schedulers/index.js';
import { denoiseProblem } from '../app/diffusion/schedulers/sampling-plan.js';

/** Checked before the run, so a strength that leaves no step to run is marked on its widget at once. */
function denoiseProblems(steps: number | undefined, denoise: number | undefined): FieldProblem[] {
  const problem = steps === undefined || denoise === undefined ? null : denoiseProblem(steps, denoise);
  return problem ? [{ field: 'denoise', ...problem }] : [];
}

export const sampler = defineNode({
  schema: {
    type: 'Sampler',
    displayName: 'Sampler',
    category: 'sampling',
    description: `Denoises a latent with the UNet under classifier-free guidance (${SAMPLER_LABELS.join(', ')}).`,
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'model', kind: 'socket', type: 'MODEL' },
      { name: 'positive', kind: 'socket', type: 'CONDITIONING' },
      { name: 'negative', kind: 'socket', type: 'CONDITIONING' },
      { name: 'latent', kind: 'socket', type: 'LATENT' },
      { name: 'seed', kind: 'SEED', default: 0, controlDefault: 'randomize' },
      { name: 'steps', kind: 'INT', default: 20, min: 1, max: 1000, step: 1 },
      { name: 'cfg', kind: 'FLOAT', default: 7.5, min: 0, max: 100, step: 0.1, tooltip: 'guidance scale; 1 disables the unconditional pass' },
      { name: 'sampler', kind: 'COMBO', options: SAMPLER_NAMES, default: 'euler' },
      { name: 'scheduler', kind: 'COMBO', options: SCHEDULE_NAMES, default: 'normal' },
      { name: 'eta', kind: 'FLOAT', default: 0, min: 0, max: 1, step: 0.01, tooltip: 'DDIM only: 0 deterministic, 1 as stochastic as DDPM (the ScaleCrafter reference uses 1)' },
      { name: 'denoise', kind: 'FLOAT', default: 1, min: 0.01, max: 1, step: 0.01, tooltip: 'below 1: image-to-image strength' },
    ],
    outputs: [{ name: 'LATENT', type: 'LATENT' }],
  },
  checkWidgets: ({ steps, denoise }): FieldProblem[] => denoiseProblems(steps, denoise),
  execute: async (inputs, context) => {
    const { model, positive, negative, latent } = inputs;
    const result = await runSamplerNode({ model, positive, negative, latent, fields: { positive: 'positive', negative: 'negative', latent: 'latent' } }, context, (prepared) =>
      sampleLatents({
        ...prepared,
        sampler: samplerFromWidgets(inputs.sampler, { schedule: inputs.scheduler, eta: inputs.eta }),
        steps: inputs.steps,
        denoise: inputs.denoise,
        seed: BigInt(inputs.seed),
        guidanceScale: inputs.cfg,
      }),
    );
    return { outputs: [result] };
  },
});
