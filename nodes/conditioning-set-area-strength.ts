import { defineNode } from '../app/engine/node-definition.js';
import { conditioningWithStrength } from '../app/diffusion/pipeline/conditioning-ops.js';

export const conditioningSetAreaStrength = defineNode({
  schema: {
    type: 'ConditioningSetAreaStrength',
    displayName: 'ConditioningSetAreaStrength',
    category: 'conditioning',
    description: 'Sets the weight of a conditioning against the others where they overlap (ComfyUI\'s ConditioningSetAreaStrength).',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'conditioning', kind: 'socket', type: 'CONDITIONING' },
      { name: 'strength', kind: 'FLOAT', default: 1, min: 0, max: 10, step: 0.01 },
    ],
    outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
  },
  execute: ({ conditioning, strength }) => ({ outputs: [conditioningWithStrength(conditioning, strength)] }),
});
