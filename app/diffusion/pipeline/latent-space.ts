/**
 * A LATENT value in one model's latent space. An empty latent (EmptyLatentImage) becomes zeros with
 * the model's channels at the image size over its VAE factor; a latent tensor must already have the
 * model's channels. Problems come back as results with a fix; the node names its own field.
 */
import type { PipelineFolder } from '../../models/pipeline-folder.js';
import type { EmptyLatent, Latent, LatentValue } from './values.js';

export type LatentFit = { readonly ok: true; readonly latent: Latent } | { readonly ok: false; readonly message: string; readonly hint: string };

type LatentSpace = Pick<PipelineFolder, 'name' | 'latentChannels' | 'vaeScaleFactor' | 'imageSizeMultiple'>;

const nearestMultiple = (value: number, multiple: number) => Math.max(multiple, Math.round(value / multiple) * multiple);

export function latentInModelSpace(value: LatentValue, model: LatentSpace): LatentFit {
  if ('emptyImage' in value) return emptyLatent(value, model);
  const channels = value.dims[1];
  if (channels !== model.latentChannels) {
    return {
      ok: false,
      message: `the latent has ${channels} channels but ${model.name} works on ${model.latentChannels}-channel latents`,
      hint: `make the latent with this model: EmptyLatentImage, or VAEEncode with ${model.name}'s VAE`,
    };
  }
  return { ok: true, latent: value };
}

function emptyLatent({ emptyImage: { batch, width, height }, noiseMask }: EmptyLatent, model: LatentSpace): LatentFit {
  const factor = model.vaeScaleFactor;
  if (width % factor !== 0 || height % factor !== 0) {
    const multiple = model.imageSizeMultiple;
    return {
      ok: false,
      message: `the empty latent is ${width}×${height} pixels, but ${model.name}'s VAE needs sides that are multiples of ${factor}`,
      hint: `set EmptyLatentImage to ${nearestMultiple(width, multiple)}×${nearestMultiple(height, multiple)} (multiples of ${multiple} keep every UNet level even)`,
    };
  }
  const dims = [batch, model.latentChannels, height / factor, width / factor] as const;
  const samples = new Float32Array(dims[0] * dims[1] * dims[2] * dims[3]);
  return { ok: true, latent: { samples, dims, vaeScaleFactor: factor, ...(noiseMask ? { noiseMask } : {}) } };
}

/**
 * Warnings for image sides that leave some UNet level odd-sized: the UNet pads and crops those
 * levels, which can leave seams.
 */
export function unevenSideWarnings(latent: Latent, model: LatentSpace): string[] {
  const [, , height, width] = latent.dims;
  const multiple = model.imageSizeMultiple;
  return (
    [
      ['width', width * model.vaeScaleFactor],
      ['height', height * model.vaeScaleFactor],
    ] as const
  )
    .filter(([, pixels]) => pixels % multiple !== 0)
    .map(([side, pixels]) => `${side} ${pixels} is not a multiple of ${multiple}: ${model.name}'s UNet pads and crops odd-sized levels, which can leave seams (use ${nearestMultiple(pixels, multiple)})`);
}
