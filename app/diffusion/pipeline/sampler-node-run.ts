/**
 * What the Sampler and KSamplerAdvanced nodes share around a sampling run: the inputs' checks (by
 * the node's own field names), the latent in the model's space, the UNet (prepared for the MODEL's
 * ScaleCrafter patches), its controls, and progress with previews.
 */
import type { ExecutionProviderPreference, PreviewImage } from '../../protocol/index.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import { setupFromPatches } from '../../scalecrafter/model-patches.js';
import { preparedUnetForPatches } from '../../scalecrafter/prepared-unet-cache.js';
import { latentPreview } from './latent-preview.js';
import { latentInModelSpace, unevenSideWarnings } from './latent-space.js';
import { leaseComponent } from './model-sessions.js';
import type { SamplingRequest } from './sample-latents.js';
import { unconditionalConditioning } from './sdxl-added-conditions.js';
import { UnetModel } from './unet-model.js';
import type { ConditioningList, Latent, LatentValue, ModelHandle } from './values.js';

/** The node context's parts a sampling run uses. */
export interface SamplingContext {
  readonly signal: AbortSignal;
  readonly executionProvider: ExecutionProviderPreference;
  progress(value: number, max: number, preview?: PreviewImage): void;
  message(level: 'info' | 'warning', text: string): void;
}

export interface SamplerNodeInputs {
  readonly model: ModelHandle;
  readonly positive: ConditioningList;
  readonly negative: ConditioningList;
  readonly latent: LatentValue;
  /** The node's names for its positive, negative and latent inputs, for errors. */
  readonly fields: { readonly positive: string; readonly negative: string; readonly latent: string };
}

/** The request's parts that come from the checked inputs and the model. */
export type PreparedSampling = Pick<SamplingRequest, 'unet' | 'scheduler' | 'positive' | 'negative' | 'latent' | 'signal' | 'controlsAt' | 'onStep'>;

export async function runSamplerNode(inputs: SamplerNodeInputs, context: SamplingContext, sample: (prepared: PreparedSampling) => Promise<Latent>): Promise<Latent> {
  const { model, positive, fields } = inputs;
  const negative = inputs.negative.map((entry) => unconditionalConditioning(model.folder, entry));
  if (positive.every((entry) => entry.prompt.trim() === '')) {
    throw new UserFacingError('the positive prompt is empty', { field: fields.positive, hint: 'type what the image should show in the TextEncode node connected here' });
  }
  const fit = latentInModelSpace(inputs.latent, model.folder);
  if (!fit.ok) throw new UserFacingError(fit.message, { field: fields.latent, hint: fit.hint });
  const { latent } = fit;
  for (const warning of unevenSideWarnings(latent, model.folder)) context.message('warning', warning);
  const setup = setupFromPatches(model.patches);
  const prepared = await preparedUnetForPatches(model.folder.unet, setup);
  const lease = await leaseComponent(prepared?.modelPath ?? model.folder.unet, 'unet', context.executionProvider, model.loras);
  try {
    const unet = new UnetModel(lease.session, { vaeScaleFactor: model.folder.vaeScaleFactor });
    for (const entry of positive) unet.checkConditioning(fields.positive, entry);
    for (const entry of negative) unet.checkConditioning(fields.negative, entry);
    unet.checkLatent(fields.latent, latent, `${model.folder.name}'s vae_decoder/config.json says latent_channels ${model.folder.latentChannels}; it must agree with the UNet's in_channels`);
    const result = await sample({
      unet,
      scheduler: model.folder.scheduler,
      positive,
      negative,
      latent,
      signal: context.signal,
      controlsAt: prepared?.controlsFor(setup, { latentDims: latent.dims, vaeScaleFactor: model.folder.vaeScaleFactor }),
      onStep: (done, total, denoised) => context.progress(done, total, latentPreview(denoised, latent.dims, model.folder)),
    });
    return { ...result, vaeScaleFactor: model.folder.vaeScaleFactor };
  } finally {
    lease.release();
  }
}
