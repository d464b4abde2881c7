import { defineNode, type FieldProblem } from '../app/engine/node-definition.js';
import { NodeError } from '../app/engine/node-error.js';
import { latentPreview } from '../app/diffusion/pipeline/latent-preview.js';
import { latentInModelSpace, unevenSideWarnings } from '../app/diffusion/pipeline/latent-space.js';
import { leaseComponent } from '../app/diffusion/pipeline/model-sessions.js';
import { sampleLatents } from '../app/diffusion/pipeline/sample-latents.js';
import { UnetModel } from '../app/diffusion/pipeline/unet-model.js';
import { KARRAS_SAMPLER_NAMES, SAMPLER_NAMES, samplerFromWidgets, SAMPLER_LABELS } from '../app/diffusion/schedulers/index.js';
import { preparedUnetFor } from '../app/diffusion/pipeline/prepared-unet.js';
import { scaleCrafterControls } from '../app/diffusion/pipeline/scalecrafter-controls.js';
import { isActive, setupFromPatches, type PatchedUnetSetup } from '../app/scalecrafter/model-patches.js';
import { DEFAULT_DISPERSION_PARAMS } from '../app/scalecrafter/dispersion-transform.js';
import { attentionScaleFeeds, attentionScaleOffFeeds, type AttentionScaleLayout } from '../app/scalecrafter/prepare/attention-scale-controls.js';
import { freeUFeeds } from '../app/scalecrafter/prepare/freeu-controls.js';
import type { HostTensor } from '../app/runtime/host-tensor.js';

/** FreeU and Attn-SF hold for the whole run; both inputs are always fed (1 = off). Attn-SF's training size is in image pixels. */
function constantControls(setup: PatchedUnetSetup, attentionLayout: AttentionScaleLayout, dims: readonly number[], vaeScaleFactor: number): Record<string, HostTensor> {
  const [, , latentHeight, latentWidth] = dims as [number, number, number, number];
  const attention = setup.attentionScale
    ? attentionScaleFeeds(attentionLayout, latentHeight, latentWidth, setup.attentionScale.trainHeight / vaeScaleFactor, setup.attentionScale.trainWidth / vaeScaleFactor)
    : attentionScaleOffFeeds(attentionLayout);
  return { ...freeUFeeds(setup.freeU), ...attention };
}

const dispersionParams = (setup: PatchedUnetSetup) =>
  setup.schedule.dispersion.kind === 'dispersed' ? setup.schedule.dispersion.transform : DEFAULT_DISPERSION_PARAMS;

const SCHEDULES = ['normal', 'karras'] as const;

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
  checkWidgets: ({ sampler: name, scheduler }): FieldProblem[] =>
    scheduler === 'karras' && name !== undefined && !KARRAS_SAMPLER_NAMES.includes(name)
      ? [{ field: 'scheduler', message: `karras sigmas are not available with ${name}`, hint: `use normal, or the ${KARRAS_SAMPLER_NAMES.join(' or ')} sampler` }]
      : [],
  execute: async (inputs, context) => {
    const { model, positive, negative } = inputs;
    if (positive.prompt.trim() === '') {
      throw new NodeError('the positive prompt is empty', { field: 'positive', hint: 'type what the image should show in the TextEncode node connected here' });
    }
    const fit = latentInModelSpace(inputs.latent, model.folder);
    if (!fit.ok) throw new NodeError(fit.message, { field: 'latent', hint: fit.hint });
    const { latent } = fit;
    for (const warning of unevenSideWarnings(latent, model.folder)) context.message('warning', warning);
    const setup = setupFromPatches(model.patches);
    const scaleCrafter = isActive(setup) ? await preparedUnetFor(model.folder.unet, dispersionParams(setup)) : null;
    const lease = await leaseComponent(scaleCrafter?.modelPath ?? model.folder.unet, 'unet', context.executionProvider);
    try {
      const unetInputs = lease.session.inputMetadata;
      const contextWidth = unetInputs.find((input) => input.name === 'encoder_hidden_states')?.shape[2];
      for (const field of ['positive', 'negative'] as const) {
        const width = inputs[field].dims[2];
        if (typeof contextWidth === 'number' && contextWidth > 0 && width !== contextWidth) {
          throw new NodeError(`the ${field} conditioning is ${width} wide but this UNet attends to ${contextWidth}`, { field, hint: 'encode the prompt with the CLIP of the same checkpoint' });
        }
      }
      const channels = unetInputs.find((input) => input.name === 'sample')?.shape[1];
      if (typeof channels === 'number' && channels > 0 && latent.dims[1] !== channels) {
        const hint = `${model.folder.name}'s vae_decoder/config.json says latent_channels ${model.folder.latentChannels}; it must agree with the UNet's in_channels`;
        throw new NodeError(`the latent has ${latent.dims[1]} channels but this UNet takes ${channels}`, { field: 'latent', hint });
      }
      const result = await sampleLatents({
        unet: new UnetModel(lease.session),
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
        ...(scaleCrafter ? { controlsAt: scaleCrafterControls(setup, scaleCrafter.layout, constantControls(setup, scaleCrafter.attentionScale, latent.dims, model.folder.vaeScaleFactor)) } : {}),
        onStep: (done, total, denoised) => context.progress(done, total, latentPreview(denoised, latent.dims, { pixelSpace: model.folder.pixelSpace })),
      });
      return { outputs: [result] };
    } finally {
      lease.release();
    }
  },
});
