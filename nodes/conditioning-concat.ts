import { defineNode } from '../app/engine/node-definition.js';
import { concatConditioning } from '../app/diffusion/pipeline/conditioning-ops.js';

export const conditioningConcat = defineNode({
  schema: {
    type: 'ConditioningConcat',
    displayName: 'Conditioning (Concat)',
    category: 'conditioning',
    description: 'Appends conditioning_from\'s tokens to each entry of conditioning_to (ComfyUI\'s ConditioningConcat): one longer context, attended to at once.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'conditioning_to', kind: 'socket', type: 'CONDITIONING' },
      { name: 'conditioning_from', kind: 'socket', type: 'CONDITIONING' },
    ],
    outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
  },
  execute: ({ conditioning_to, conditioning_from }, context) => {
    if (conditioning_from.length > 1) context.message('warning', `conditioning_from holds ${conditioning_from.length} entries; only the first is appended (as in ComfyUI)`);
    return { outputs: [concatConditioning(conditioning_to, conditioning_from)] };
  },
});
