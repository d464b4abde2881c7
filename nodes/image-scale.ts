import { defineNode } from '../app/engine/node-definition.js';
import { CROP_MODES } from '../app/imaging/common-upscale.js';
import { IMAGE_UPSCALE_METHODS, imageScaleTarget, resizeImage } from '../app/imaging/image-scale.js';

export const imageScale = defineNode({
  schema: {
    type: 'ImageScale',
    displayName: 'Upscale Image',
    category: 'image',
    description: 'Resizes images to a size (ComfyUI\'s ImageScale): 0 on one side keeps the aspect ratio, 0 on both keeps the image.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'image', kind: 'socket', type: 'IMAGE' },
      { name: 'upscale_method', kind: 'COMBO', options: IMAGE_UPSCALE_METHODS, default: 'nearest-exact' },
      { name: 'width', kind: 'INT', default: 512, min: 0, max: 16384, step: 1, tooltip: '0 follows the height\'s aspect ratio' },
      { name: 'height', kind: 'INT', default: 512, min: 0, max: 16384, step: 1 },
      { name: 'crop', kind: 'COMBO', options: CROP_MODES, default: 'disabled', tooltip: 'center: crop to the new aspect ratio first instead of stretching' },
    ],
    outputs: [{ name: 'IMAGE', type: 'IMAGE' }],
  },
  execute: ({ image, upscale_method, width, height, crop }) => {
    // Both 0 keeps the image as it is: the one case ComfyUI does not resample.
    if (width === 0 && height === 0) return { outputs: [image] };
    const size = imageScaleTarget(image, width, height);
    return { outputs: [resizeImage(image, size.width, size.height, upscale_method, crop)] };
  },
});
