import { defineNode } from '../app/engine/node-definition.js';
import { UserFacingError } from '../app/protocol/user-facing-error.js';

const CHANNELS = ['red', 'green', 'blue', 'alpha'] as const;

export const imageToMask = defineNode({
  schema: {
    type: 'ImageToMask',
    displayName: 'Convert Image to Mask',
    category: 'mask',
    description: 'One channel of an image as a mask (ComfyUI\'s ImageToMask): paint a region white on black and load it.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'image', kind: 'socket', type: 'IMAGE' },
      { name: 'channel', kind: 'COMBO', options: CHANNELS, default: 'red' },
    ],
    outputs: [{ name: 'MASK', type: 'MASK' }],
  },
  execute: ({ image, channel }) => {
    const index = CHANNELS.indexOf(channel);
    if (index === 3) throw new UserFacingError('this app\'s images have no alpha channel (LoadImage keeps red, green and blue)', { field: 'channel', hint: 'pick red, green or blue, painting the mask in that channel' });
    const values = new Float32Array(image.batch * image.height * image.width);
    for (let p = 0; p < values.length; p++) values[p] = image.pixels[p * 3 + index]!;
    return { outputs: [{ batch: image.batch, height: image.height, width: image.width, values }] };
  },
});
