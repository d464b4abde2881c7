import { defineNode } from '../app/engine/node-definition.js';
import { growMask as grown } from '../app/imaging/mask-ops.js';

export const growMask = defineNode({
  schema: {
    type: 'GrowMask',
    displayName: 'GrowMask',
    category: 'mask',
    description: 'Grows (expand > 0) or shrinks (< 0) the mask by one pixel per step, with a cross (tapered corners) or a 3×3 square (ComfyUI\'s GrowMask).',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'mask', kind: 'socket', type: 'MASK' },
      { name: 'expand', kind: 'INT', default: 0, min: -16384, max: 16384, step: 1 },
      { name: 'tapered_corners', kind: 'BOOLEAN', default: true },
    ],
    outputs: [{ name: 'MASK', type: 'MASK' }],
  },
  execute: ({ mask, expand, tapered_corners }) => ({ outputs: [grown(mask, expand, tapered_corners)] }),
});
