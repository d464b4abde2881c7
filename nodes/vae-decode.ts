import { defineNode } from '../app/engine/node-definition.js';
import { decodeLatents } from '../app/diffusion/pipeline/vae-codec.js';

export const vaeDecode = defineNode({
  schema: {
    type: 'VAEDecode',
    displayName: 'VAE Decode',
    category: 'latent',
    description: 'Decodes latents into images with the model\'s VAE.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'samples', kind: 'socket', type: 'LATENT' },
      { name: 'vae', kind: 'socket', type: 'VAE' },
    ],
    outputs: [{ name: 'IMAGE', type: 'IMAGE' }],
  },
  execute: async ({ samples, vae }, context) => ({ outputs: [await decodeLatents(vae.folder, samples, context.executionProvider)] }),
});
