import { defineNode } from '../app/engine/node-definition.js';
import { combineConditioning } from '../app/diffusion/pipeline/conditioning-ops.js';

export const conditioningCombine = defineNode({
  schema: {
    type: 'ConditioningCombine',
    displayName: 'Conditioning (Combine)',
    category: 'conditioning',
    description: 'Joins two conditionings into one list (ComfyUI\'s ConditioningCombine): the sampler averages the model\'s predictions for each.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'conditioning_1', kind: 'socket', type: 'CONDITIONING' },
      { name: 'conditioning_2', kind: 'socket', type: 'CONDITIONING' },
    ],
    outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
  },
  execute: ({ conditioning_1, conditioning_2 }) => ({ outputs: [combineConditioning(conditioning_1, conditioning_2)] }),
});
