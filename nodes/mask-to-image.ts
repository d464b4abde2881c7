import { defineNode } from '../app/engine/node-definition.js';
import { maskToImage as asImage } from '../app/imaging/mask.js';

export const maskToImage = defineNode({
  schema: {
    type: 'MaskToImage',
    displayName: 'Convert Mask to Image',
    category: 'mask',
    description: 'The mask as a grey image (ComfyUI\'s MaskToImage).',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'mask', kind: 'socket', type: 'MASK' },
    ],
    outputs: [{ name: 'IMAGE', type: 'IMAGE' }],
  },
  execute: ({ mask }) => ({ outputs: [asImage(mask)] }),
});
