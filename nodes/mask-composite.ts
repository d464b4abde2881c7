import { defineNode } from '../app/engine/node-definition.js';
import { compositeMasks, COMPOSITE_OPERATIONS } from '../app/imaging/mask-ops.js';

export const maskComposite = defineNode({
  schema: {
    type: 'MaskComposite',
    displayName: 'MaskComposite',
    category: 'mask',
    description: 'Combines source into destination at (x, y) where they overlap — multiply, add, subtract, and, or, xor — clamped to 0…1 (ComfyUI\'s MaskComposite).',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'destination', kind: 'socket', type: 'MASK' },
      { name: 'source', kind: 'socket', type: 'MASK' },
      { name: 'x', kind: 'INT', default: 0, min: 0, max: 16384, step: 1 },
      { name: 'y', kind: 'INT', default: 0, min: 0, max: 16384, step: 1 },
      { name: 'operation', kind: 'COMBO', options: COMPOSITE_OPERATIONS, default: 'multiply' },
    ],
    outputs: [{ name: 'MASK', type: 'MASK' }],
  },
  execute: ({ destination, source, x, y, operation }) => ({ outputs: [compositeMasks(destination, source, x, y, operation)] }),
});
