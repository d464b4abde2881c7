import { defineNode } from '../app/engine/node-definition.js';
import { conditioningWithMask } from '../app/diffusion/pipeline/conditioning-ops.js';

export const SET_COND_AREA_CHOICES = ['default', 'mask bounds'] as const;

export const conditioningSetMask = defineNode({
  schema: {
    type: 'ConditioningSetMask',
    displayName: 'Conditioning (Set Mask)',
    category: 'conditioning',
    description: 'Weights a conditioning per pixel by a mask (ComfyUI\'s ConditioningSetMask), resized to the latent; "mask bounds" evaluates it only on the box around the mask.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'conditioning', kind: 'socket', type: 'CONDITIONING' },
      { name: 'mask', kind: 'socket', type: 'MASK' },
      { name: 'strength', kind: 'FLOAT', default: 1, min: 0, max: 10, step: 0.01 },
      { name: 'set_cond_area', kind: 'COMBO', options: SET_COND_AREA_CHOICES, default: 'default', tooltip: 'mask bounds: predict only on the box around the mask\'s non-zero pixels (faster, and the prompt fills that box)' },
    ],
    outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
  },
  execute: ({ conditioning, mask, strength, set_cond_area }) => ({ outputs: [conditioningWithMask(conditioning, mask, strength, set_cond_area !== 'default')] }),
});
