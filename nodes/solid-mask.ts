import { defineNode } from '../app/engine/node-definition.js';

export const solidMask = defineNode({
  schema: {
    type: 'SolidMask',
    displayName: 'SolidMask',
    category: 'mask',
    description: 'A mask of one value everywhere (ComfyUI\'s SolidMask).',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'value', kind: 'FLOAT', default: 1, min: 0, max: 1, step: 0.01 },
      { name: 'width', kind: 'INT', default: 512, min: 1, max: 16384, step: 1 },
      { name: 'height', kind: 'INT', default: 512, min: 1, max: 16384, step: 1 },
    ],
    outputs: [{ name: 'MASK', type: 'MASK' }],
  },
  execute: ({ value, width, height }) => ({ outputs: [{ batch: 1, height, width, values: new Float32Array(height * width).fill(value) }] }),
});
