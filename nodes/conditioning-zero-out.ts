import { defineNode } from '../app/engine/node-definition.js';
import { zeroOutConditioning } from '../app/diffusion/pipeline/conditioning-ops.js';

export const conditioningZeroOut = defineNode({
  schema: {
    type: 'ConditioningZeroOut',
    displayName: 'ConditioningZeroOut',
    category: 'conditioning',
    description: 'Zeroes the embeddings and the pooled embedding (ComfyUI\'s ConditioningZeroOut): SDXL\'s unconditional side in ComfyUI\'s default graph.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [{ name: 'conditioning', kind: 'socket', type: 'CONDITIONING' }],
    outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
  },
  execute: ({ conditioning }) => ({ outputs: [zeroOutConditioning(conditioning)] }),
});
