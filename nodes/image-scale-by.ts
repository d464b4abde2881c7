import { defineNode } from '../app/engine/node-definition.js';
import { IMAGE_UPSCALE_METHODS, imageScaleByTarget, resizeImage } from '../app/imaging/image-scale.js';

export const imageScaleBy = defineNode({
  schema: {
    type: 'ImageScaleBy',
    displayName: 'Upscale Image By',
    category: 'image',
    description: 'Resizes images by a factor (ComfyUI\'s ImageScaleBy).',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'image', kind: 'socket', type: 'IMAGE' },
      { name: 'upscale_method', kind: 'COMBO', options: IMAGE_UPSCALE_METHODS, default: 'nearest-exact' },
      { name: 'scale_by', kind: 'FLOAT', default: 1, min: 0.01, max: 8, step: 0.01 },
    ],
    outputs: [{ name: 'IMAGE', type: 'IMAGE' }],
  },
  execute: ({ image, upscale_method, scale_by }) => {
    const size = imageScaleByTarget(image, scale_by);
    return { outputs: [resizeImage(image, size.width, size.height, upscale_method, 'disabled')] };
  },
});
