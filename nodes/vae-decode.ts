import { defineNode } from '../app/engine/node-definition.js';
import { latentInModelSpace } from '../app/diffusion/pipeline/latent-space.js';
import { decodeLatents } from '../app/diffusion/pipeline/vae-codec.js';
import { UserFacingError } from '../app/protocol/user-facing-error.js';

/** SD's VAE upsamples 8×: a tile side must be a whole number of latent pixels (a pixel-space model decodes whole). */
const VAE_FACTOR = 8;

export const vaeDecode = defineNode({
  schema: {
    type: 'VAEDecode',
    displayName: 'VAE Decode',
    category: 'latent',
    description: 'Decodes latents into images with the model\'s VAE, optionally in tiles that bound GPU memory.',
    version: 2,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'samples', kind: 'socket', type: 'LATENT' },
      { name: 'vae', kind: 'socket', type: 'VAE' },
      {
        name: 'tile_size',
        kind: 'INT',
        default: 0,
        min: 0,
        max: 16384,
        step: 64,
        tooltip: 'largest tile side in image pixels; 0 decodes whole. Tiles share GroupNorm statistics and read their neighbours\' context, so the image equals a whole decode: no overlap or blending needed',
      },
    ],
    outputs: [{ name: 'IMAGE', type: 'IMAGE' }],
  },
  migrations: [{ fromVersion: 1, migrate: (widgets) => ({ ...widgets, tile_size: 0 }) }],
  checkWidgets: ({ tile_size }) =>
    tile_size !== undefined && tile_size % VAE_FACTOR !== 0
      ? [{ field: 'tile_size', message: `tile_size ${tile_size} is not a multiple of ${VAE_FACTOR}`, hint: `use ${Math.max(64, Math.round(tile_size / 64) * 64)}, or 0 to decode whole` }]
      : [],
  execute: async ({ samples, vae, tile_size }, context) => {
    const fit = latentInModelSpace(samples, vae.folder);
    if (!fit.ok) throw new UserFacingError(fit.message, { field: 'samples', hint: fit.hint });
    return {
      outputs: [
        await decodeLatents(vae.folder, fit.latent, context.executionProvider, {
          tileSize: tile_size,
          signal: context.signal,
          onProgress: (done, total) => context.progress(done, total),
          onInfo: (text) => context.message('info', text),
        }),
      ],
    };
  },
});
