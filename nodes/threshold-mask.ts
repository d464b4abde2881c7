import { defineNode } from '../app/engine/node-definition.js';
import { thresholdMask as thresholded } from '../app/imaging/mask-ops.js';

export const thresholdMask = defineNode({
  schema: {
    type: 'ThresholdMask',
    displayName: 'ThresholdMask',
    category: 'mask',
    description: '1 where the mask is above value, 0 elsewhere (ComfyUI\'s ThresholdMask).',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'mask', kind: 'socket', type: 'MASK' },
      { name: 'value', kind: 'FLOAT', default: 0.5, min: 0, max: 1, step: 0.01 },
    ],
    outputs: [{ name: 'MASK', type: 'MASK' }],
  },
  execute: ({ mask, value }) => ({ outputs: [thresholded(mask, value)] }),
});
