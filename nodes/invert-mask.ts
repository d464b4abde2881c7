import { defineNode } from '../app/engine/node-definition.js';
import { invertMask as inverted } from '../app/imaging/mask-ops.js';

export const invertMask = defineNode({
  schema: {
    type: 'InvertMask',
    displayName: 'InvertMask',
    category: 'mask',
    description: '1 − the mask (ComfyUI\'s InvertMask).',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'mask', kind: 'socket', type: 'MASK' },
    ],
    outputs: [{ name: 'MASK', type: 'MASK' }],
  },
  execute: ({ mask }) => ({ outputs: [inverted(mask)] }),
});
