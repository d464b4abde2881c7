import { defineNode, type FieldProblem } from '../app/engine/node-definition.js';
import { latentPreview } from '../app/diffusion/pipeline/latent-preview.js';
import { latentInModelSpace, unevenSideWarnings } from '../app/diffusion/pipeline/latent-space.js';
import { leaseComponent } from '../app/diffusion/pipeline/model-sessions.js';
import { sampleLatents } from '../app/diffusion/pipeline/sample-latents.js';
import { unconditionalConditioning } from '../app/diffusion/pipeline/sdxl-added-conditions.js';
import { UnetModel } from '../app/diffusion/pipeline/unet-model.js';
import { KARRAS_SAMPLER_NAMES, SAMPLER_NAMES, samplerFromWidgets, SAMPLER_LABELS } from '../app/diffusion/schedulers/index.js';
import { denoiseProblem } from '../app/diffusion/schedulers/sampling-plan.js';
import { UserFacingError } from '../app/protocol/user-facing-error.js';
import { setupFromPatches } from '../app/scalecrafter/model-patches.js';
import { preparedUnetForPatches } from '../app/scalecrafter/prepared-unet-cache.js';

const SCHEDULES = ['normal', 'karras'] as const;

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
      { name: 'scheduler', kind: 'COMBO', options: SCHEDULES, default: 'normal' },
      { name: 'eta', kind: 'FLOAT', default: 0, min: 0, max: 1, step: 0.01, tooltip: 'DDIM only: 0 deterministic, 1 as stochastic as DDPM (the ScaleCrafter reference uses 1)' },
      { name: 'denoise', kind: 'FLOAT', default: 1, min: 0.01, max: 1, step: 0.01, tooltip: 'below 1: image-to-image strength' },
    ],
    outputs: [{ name: 'LATENT', type: 'LATENT' }],
  },
  checkWidgets: ({ sampler: name, scheduler, steps, denoise }): FieldProblem[] => [
    ...(scheduler === 'karras' && name !== undefined && !KARRAS_SAMPLER_NAMES.includes(name)
      ? [{ field: 'scheduler', message: `karras sigmas are not available with ${name}`, hint: `use normal, or the ${KARRAS_SAMPLER_NAMES.join(' or ')} sampler` }]
      : []),
    ...denoiseProblems(steps, denoise),
  ],
  execute: async (inputs, context) => {
    const { model, positive } = inputs;
    const negative = unconditionalConditioning(model.folder, inputs.negative);
    if (positive.prompt.trim() === '') {
      throw new UserFacingError('the positive prompt is empty', { field: 'positive', hint: 'type what the image should show in the TextEncode node connected here' });
    }
    const fit = latentInModelSpace(inputs.latent, model.folder);
    if (!fit.ok) throw new UserFacingError(fit.message, { field: 'latent', hint: fit.hint });
    const { latent } = fit;
    for (const warning of unevenSideWarnings(latent, model.folder)) context.message('warning', warning);
    const setup = setupFromPatches(model.patches);
    const prepared = await preparedUnetForPatches(model.folder.unet, setup);
    const lease = await leaseComponent(prepared?.modelPath ?? model.folder.unet, 'unet', context.executionProvider, model.loras);
    try {
      const unet = new UnetModel(lease.session, { vaeScaleFactor: model.folder.vaeScaleFactor });
      unet.checkConditioning('positive', positive);
      unet.checkConditioning('negative', negative);
      unet.checkLatent('latent', latent, `${model.folder.name}'s vae_decoder/config.json says latent_channels ${model.folder.latentChannels}; it must agree with the UNet's in_channels`);
      const result = await sampleLatents({
        unet,
        scheduler: model.folder.scheduler,
        sampler: samplerFromWidgets(inputs.sampler, { karras: inputs.scheduler === 'karras', eta: inputs.eta }),
        steps: inputs.steps,
        denoise: inputs.denoise,
        seed: BigInt(inputs.seed),
        guidanceScale: inputs.cfg,
        positive,
        negative,
        latent,
        signal: context.signal,
        controlsAt: prepared?.controlsFor(setup, { latentDims: latent.dims, vaeScaleFactor: model.folder.vaeScaleFactor }),
        onStep: (done, total, denoised) => context.progress(done, total, latentPreview(denoised, latent.dims, model.folder)),
      });
      return { outputs: [result] };
    } finally {
      lease.release();
    }
  },
});
