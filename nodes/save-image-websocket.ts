import { defineNode } from '../app/engine/node-definition.js';
import { imageAt, toRgb8 } from '../app/imaging/image-batch.js';
import { encodeRgbPng } from '../app/imaging/png-metadata.js';

/**
 * ComfyUI's SaveImageWebsocket: each image goes to the client over the WebSocket as a PNG preview
 * frame (with its progress message) and nothing is written, for scripts that want the pixels
 * without touching the output folder.
 */
export const saveImageWebsocket = defineNode({
  schema: {
    type: 'SaveImageWebsocket',
    displayName: 'Save Image (WebSocket)',
    category: 'image',
    description: 'Sends each image to the API client over the WebSocket as a PNG frame; writes no file.',
    version: 1,
    outputNode: true,
    idempotent: true,
    inputs: [{ name: 'images', kind: 'socket', type: 'IMAGE' }],
    outputs: [],
  },
  execute: ({ images }, context) => {
    for (let index = 0; index < images.batch; index++) {
      const png = encodeRgbPng(toRgb8(imageAt(images, index)), images.width, images.height, {});
      context.progress(index + 1, images.batch, { width: images.width, height: images.height, pngBase64: Buffer.from(png).toString('base64') });
    }
    return { outputs: [] };
  },
});
