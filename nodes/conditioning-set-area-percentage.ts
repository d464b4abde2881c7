import { defineNode } from '../app/engine/node-definition.js';
import { conditioningInArea } from '../app/diffusion/pipeline/conditioning-ops.js';

export const conditioningSetAreaPercentage = defineNode({
  schema: {
    type: 'ConditioningSetAreaPercentage',
    displayName: 'Conditioning (Set Area with Percentage)',
    category: 'conditioning',
    description: 'Applies a conditioning to a rectangle given in fractions of the image (ComfyUI\'s ConditioningSetAreaPercentage), so it keeps its place at any size.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'conditioning', kind: 'socket', type: 'CONDITIONING' },
      { name: 'width', kind: 'FLOAT', default: 1, min: 0, max: 1, step: 0.01 },
      { name: 'height', kind: 'FLOAT', default: 1, min: 0, max: 1, step: 0.01 },
      { name: 'x', kind: 'FLOAT', default: 0, min: 0, max: 1, step: 0.01 },
      { name: 'y', kind: 'FLOAT', default: 0, min: 0, max: 1, step: 0.01 },
      { name: 'strength', kind: 'FLOAT', default: 1, min: 0, max: 10, step: 0.01 },
    ],
    outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
  },
  execute: ({ conditioning, width, height, x, y, strength }) => ({ outputs: [conditioningInArea(conditioning, { unit: 'fraction', width, height, x, y }, strength)] }),
});
