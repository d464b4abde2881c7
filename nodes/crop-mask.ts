import { defineNode } from '../app/engine/node-definition.js';
import { cropMask as cropped } from '../app/imaging/mask-ops.js';
import { UserFacingError } from '../app/protocol/user-facing-error.js';

export const cropMask = defineNode({
  schema: {
    type: 'CropMask',
    displayName: 'CropMask',
    category: 'mask',
    description: 'The width × height window of the mask at (x, y), cut at the mask\'s edges (ComfyUI\'s CropMask).',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'mask', kind: 'socket', type: 'MASK' },
      { name: 'x', kind: 'INT', default: 0, min: 0, max: 16384, step: 1 },
      { name: 'y', kind: 'INT', default: 0, min: 0, max: 16384, step: 1 },
      { name: 'width', kind: 'INT', default: 512, min: 1, max: 16384, step: 1 },
      { name: 'height', kind: 'INT', default: 512, min: 1, max: 16384, step: 1 },
    ],
    outputs: [{ name: 'MASK', type: 'MASK' }],
  },
  execute: ({ mask, x, y, width, height }) => {
    // ComfyUI hands on an empty tensor here, which fails in whichever node takes it.
    for (const [field, at, size] of [['x', x, mask.width], ['y', y, mask.height]] as const) {
      if (at >= size) throw new UserFacingError(`${field} ${at} is outside the ${mask.width}×${mask.height} mask, so the crop is empty`, { field, hint: `use ${field} below ${size}` });
    }
    return { outputs: [cropped(mask, x, y, width, height)] };
  },
});
