import { defineNode } from '../app/engine/node-definition.js';
import type { EmptyLatent } from '../app/diffusion/pipeline/values.js';

/**
 * The latent's channels and the VAE factor belong to the model, which this node does not see: it
 * passes the image size on, and the Sampler (or VAEDecode) makes the zeros in its model's latent
 * space and says which sizes that model needs (app/diffusion/pipeline/latent-space.ts).
 */
export const emptyLatentImage = defineNode({
  schema: {
    type: 'EmptyLatentImage',
    displayName: 'Empty Latent Image',
    category: 'latent',
    description: 'A blank latent of the given image size: the canvas a text-to-image sampler starts from, in the latent space of the model that samples it.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'width', kind: 'INT', default: 512, min: 32, max: 16384, step: 8, tooltip: 'image pixels; SD models need multiples of 8 (64 best), a pixel-space model such as emoji-pixel-32 multiples of 4' },
      { name: 'height', kind: 'INT', default: 512, min: 32, max: 16384, step: 8 },
      { name: 'batch_size', kind: 'INT', default: 1, min: 1, max: 64, step: 1 },
    ],
    outputs: [{ name: 'LATENT', type: 'LATENT' }],
  },
  execute: ({ width, height, batch_size }) => {
    const latent: EmptyLatent = { emptyImage: { batch: batch_size, width, height } };
    return { outputs: [latent] };
  },
});
