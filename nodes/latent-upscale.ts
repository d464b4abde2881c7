import { defineNode } from '../app/engine/node-definition.js';
import { latentUpscaleTarget, resizeLatent } from '../app/diffusion/pipeline/latent-upscale.js';
import { CROP_MODES, LATENT_UPSCALE_METHODS } from '../app/imaging/common-upscale.js';

export const latentUpscale = defineNode({
  schema: {
    type: 'LatentUpscale',
    displayName: 'Upscale Latent',
    category: 'latent',
    description: 'Resizes a latent to an image size (ComfyUI\'s LatentUpscale): 0 on one side keeps the aspect ratio, 0 on both keeps the latent.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'samples', kind: 'socket', type: 'LATENT' },
      { name: 'upscale_method', kind: 'COMBO', options: LATENT_UPSCALE_METHODS, default: 'nearest-exact' },
      { name: 'width', kind: 'INT', default: 512, min: 0, max: 16384, step: 8, tooltip: 'image pixels (at least 64); 0 follows the height\'s aspect ratio' },
      { name: 'height', kind: 'INT', default: 512, min: 0, max: 16384, step: 8 },
      { name: 'crop', kind: 'COMBO', options: CROP_MODES, default: 'disabled', tooltip: 'center: crop to the new aspect ratio first instead of stretching' },
    ],
    outputs: [{ name: 'LATENT', type: 'LATENT' }],
  },
  execute: ({ samples, upscale_method, width, height, crop }) => ({
    outputs: [resizeLatent(samples, (ownWidth, ownHeight, factor) => latentUpscaleTarget({ width, height }, ownWidth, ownHeight, factor), upscale_method, crop)],
  }),
});
