import { defineNode } from '../app/engine/node-definition.js';

export const setLatentNoiseMask = defineNode({
  schema: {
    type: 'SetLatentNoiseMask',
    displayName: 'Set Latent Noise Mask',
    category: 'latent/inpaint',
    description: 'Inpainting (ComfyUI\'s SetLatentNoiseMask): the Sampler denoises the latent where the mask is 1 and keeps it where the mask is 0.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'samples', kind: 'socket', type: 'LATENT' },
      { name: 'mask', kind: 'socket', type: 'MASK' },
    ],
    outputs: [{ name: 'LATENT', type: 'LATENT' }],
  },
  execute: ({ samples, mask }) => ({ outputs: [{ ...samples, noiseMask: mask }] }),
});
