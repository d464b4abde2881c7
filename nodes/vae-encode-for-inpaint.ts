import { defineNode } from '../app/engine/node-definition.js';
import { encodeImages } from '../app/diffusion/pipeline/vae-codec.js';
import { inpaintPixels } from '../app/imaging/inpaint-pixels.js';
import { UserFacingError } from '../app/protocol/user-facing-error.js';

export const vaeEncodeForInpaint = defineNode({
  schema: {
    type: 'VAEEncodeForInpaint',
    displayName: 'VAE Encode (for Inpainting)',
    category: 'latent/inpaint',
    description: 'Encodes an image with the masked part greyed out, and sets the mask, grown by grow_mask_by pixels, as the latent\'s noise mask (ComfyUI\'s VAEEncodeForInpaint); sample it at denoise 1.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'pixels', kind: 'socket', type: 'IMAGE' },
      { name: 'vae', kind: 'socket', type: 'VAE' },
      { name: 'mask', kind: 'socket', type: 'MASK' },
      { name: 'grow_mask_by', kind: 'INT', default: 6, min: 0, max: 64, step: 1 },
    ],
    outputs: [{ name: 'LATENT', type: 'LATENT' }],
  },
  execute: async ({ pixels, vae, mask, grow_mask_by }, context) => {
    const factor = vae.folder.vaeScaleFactor;
    if (pixels.width < factor || pixels.height < factor) {
      throw new UserFacingError(`the image is ${pixels.width}×${pixels.height}, smaller than one latent pixel of ${vae.folder.name}'s VAE (${factor}×${factor})`, { field: 'pixels', hint: 'use a larger image' });
    }
    const prepared = inpaintPixels(pixels, mask, factor, grow_mask_by);
    const latent = await encodeImages(vae.folder, prepared.pixels, context.executionProvider);
    return { outputs: [{ ...latent, noiseMask: prepared.noiseMask }] };
  },
});
