import { defineNode } from '../app/engine/node-definition.js';
import { conditioningInRange } from '../app/diffusion/pipeline/conditioning-ops.js';

export const conditioningSetTimestepRange = defineNode({
  schema: {
    type: 'ConditioningSetTimestepRange',
    displayName: 'ConditioningSetTimestepRange',
    category: 'conditioning',
    description: 'Limits a conditioning to part of the denoising (ComfyUI\'s ConditioningSetTimestepRange): 0 is pure noise, 1 the clean image; combine two to switch prompts part-way.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'conditioning', kind: 'socket', type: 'CONDITIONING' },
      { name: 'start', kind: 'FLOAT', default: 0, min: 0, max: 1, step: 0.001 },
      { name: 'end', kind: 'FLOAT', default: 1, min: 0, max: 1, step: 0.001 },
    ],
    outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
  },
  execute: ({ conditioning, start, end }) => ({ outputs: [conditioningInRange(conditioning, start, end)] }),
});
