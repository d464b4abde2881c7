import { defineNode } from '../app/engine/node-definition.js';
import { featherMask as feathered } from '../app/imaging/mask-ops.js';

export const featherMask = defineNode({
  schema: {
    type: 'FeatherMask',
    displayName: 'FeatherMask',
    category: 'mask',
    description: 'Fades the mask linearly to 0 over so many pixels at each edge (ComfyUI\'s FeatherMask, indexing included: see app/imaging/mask-ops.ts).',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'mask', kind: 'socket', type: 'MASK' },
      { name: 'left', kind: 'INT', default: 0, min: 0, max: 16384, step: 1 },
      { name: 'top', kind: 'INT', default: 0, min: 0, max: 16384, step: 1 },
      { name: 'right', kind: 'INT', default: 0, min: 0, max: 16384, step: 1 },
      { name: 'bottom', kind: 'INT', default: 0, min: 0, max: 16384, step: 1 },
    ],
    outputs: [{ name: 'MASK', type: 'MASK' }],
  },
  execute: ({ mask, left, top, right, bottom }) => ({ outputs: [feathered(mask, { left, top, right, bottom })] }),
});
