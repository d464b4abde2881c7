import { defineNode } from '../app/engine/node-definition.js';
import { latentScaleByTarget, resizeLatent } from '../app/diffusion/pipeline/latent-upscale.js';
import { LATENT_UPSCALE_METHODS } from '../app/imaging/common-upscale.js';

export const latentUpscaleBy = defineNode({
  schema: {
    type: 'LatentUpscaleBy',
    displayName: 'Upscale Latent By',
    category: 'latent',
    description: 'Resizes a latent by a factor (ComfyUI\'s LatentUpscaleBy): the middle of the hires-fix pattern, before a second sampler at denoise ≈ 0.5.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'samples', kind: 'socket', type: 'LATENT' },
      { name: 'upscale_method', kind: 'COMBO', options: LATENT_UPSCALE_METHODS, default: 'nearest-exact' },
      { name: 'scale_by', kind: 'FLOAT', default: 1.5, min: 0.01, max: 8, step: 0.01 },
    ],
    outputs: [{ name: 'LATENT', type: 'LATENT' }],
  },
  execute: ({ samples, upscale_method, scale_by }) => ({
    outputs: [resizeLatent(samples, (width, height) => latentScaleByTarget(scale_by, width, height), upscale_method, 'disabled')],
  }),
});
