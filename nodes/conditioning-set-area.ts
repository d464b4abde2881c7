import { defineNode } from '../app/engine/node-definition.js';
import { conditioningInArea } from '../app/diffusion/pipeline/conditioning-ops.js';

export const conditioningSetArea = defineNode({
  schema: {
    type: 'ConditioningSetArea',
    displayName: 'Conditioning (Set Area)',
    category: 'conditioning',
    description: 'Applies a conditioning to a rectangle of the image, in pixels (ComfyUI\'s ConditioningSetArea): the sampler predicts it on that crop, weighted by strength with feathered borders; combine several to compose regions.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'conditioning', kind: 'socket', type: 'CONDITIONING' },
      { name: 'width', kind: 'INT', default: 64, min: 64, max: 16384, step: 8, tooltip: 'image pixels; the sampler divides by its model\'s VAE factor (8 for SD)' },
      { name: 'height', kind: 'INT', default: 64, min: 64, max: 16384, step: 8 },
      { name: 'x', kind: 'INT', default: 0, min: 0, max: 16384, step: 8 },
      { name: 'y', kind: 'INT', default: 0, min: 0, max: 16384, step: 8 },
      { name: 'strength', kind: 'FLOAT', default: 1, min: 0, max: 10, step: 0.01 },
    ],
    outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
  },
  execute: ({ conditioning, width, height, x, y, strength }) => ({ outputs: [conditioningInArea(conditioning, { unit: 'pixels', width, height, x, y }, strength)] }),
});
