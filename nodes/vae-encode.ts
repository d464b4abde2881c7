import { defineNode } from '../app/engine/node-definition.js';
import { NodeError } from '../app/engine/node-error.js';
import { encodeImages } from '../app/diffusion/pipeline/vae-codec.js';

export const vaeEncode = defineNode({
  schema: {
    type: 'VAEEncode',
    displayName: 'VAE Encode',
    category: 'latent',
    description: 'Encodes images into latents with the model\'s VAE, for image-to-image.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'pixels', kind: 'socket', type: 'IMAGE' },
      { name: 'vae', kind: 'socket', type: 'VAE' },
    ],
    outputs: [{ name: 'LATENT', type: 'LATENT' }],
  },
  execute: async ({ pixels, vae }, context) => {
    if (pixels.width % 8 !== 0 || pixels.height % 8 !== 0) {
      throw new NodeError(`the image is ${pixels.width}×${pixels.height}; the VAE needs sides that are multiples of 8`, { field: 'pixels', hint: 'crop or resize the image first' });
    }
    return { outputs: [await encodeImages(vae.folder, pixels, context.executionProvider)] };
  },
});
