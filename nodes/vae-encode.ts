import { defineNode } from '../app/engine/node-definition.js';
import { encodeImages } from '../app/diffusion/pipeline/vae-codec.js';
import { UserFacingError } from '../app/protocol/user-facing-error.js';

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
    const factor = vae.folder.vaeScaleFactor;
    if (pixels.width % factor !== 0 || pixels.height % factor !== 0) {
      throw new UserFacingError(`the image is ${pixels.width}×${pixels.height}; ${vae.folder.name}'s VAE needs sides that are multiples of ${factor}`, { field: 'pixels', hint: 'crop or resize the image first' });
    }
    return { outputs: [await encodeImages(vae.folder, pixels, context.executionProvider)] };
  },
});
