import { defineNode } from '../app/engine/node-definition.js';

/** SD's VAE downsamples 8×, and its UNet halves the latent three times: 64-pixel multiples keep every level even. */
const LATENT_FACTOR = 8;
const LATENT_CHANNELS = 4;

export const emptyLatentImage = defineNode({
  schema: {
    type: 'EmptyLatentImage',
    displayName: 'Empty Latent Image',
    category: 'latent',
    description: 'A blank latent of the given image size: the canvas a text-to-image sampler starts from.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'width', kind: 'INT', default: 512, min: 64, max: 16384, step: 8 },
      { name: 'height', kind: 'INT', default: 512, min: 64, max: 16384, step: 8 },
      { name: 'batch_size', kind: 'INT', default: 1, min: 1, max: 64, step: 1 },
    ],
    outputs: [{ name: 'LATENT', type: 'LATENT' }],
  },
  checkWidgets: ({ width, height }) =>
    (['width', 'height'] as const).flatMap((field) => {
      const value = field === 'width' ? width : height;
      return value !== undefined && value % LATENT_FACTOR !== 0
        ? [{ field, message: `${field} ${value} is not a multiple of ${LATENT_FACTOR}`, hint: `use ${Math.round(value / 64) * 64} (a multiple of 64 suits the UNet best)` }]
        : [];
    }),
  execute: ({ width, height, batch_size }, context) => {
    for (const [name, value] of [['width', width], ['height', height]] as const) {
      if (value % 64 !== 0) context.message('warning', `${name} ${value} is not a multiple of 64: the UNet pads and crops odd-sized levels, which can leave seams`);
    }
    const dims = [batch_size, LATENT_CHANNELS, height / LATENT_FACTOR, width / LATENT_FACTOR] as const;
    return { outputs: [{ samples: new Float32Array(dims[0] * dims[1] * dims[2] * dims[3]), dims }] };
  },
});
