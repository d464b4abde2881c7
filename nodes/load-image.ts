import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileFingerprint } from '../app/models/model-files.js';
import { defineNode } from '../app/engine/node-definition.js';
import { fromRgb8 } from '../app/imaging/image-batch.js';
import { maskFromAlpha } from '../app/imaging/mask.js';
import { decodePng } from '../app/imaging/png-metadata.js';
import { UserFacingError } from '../app/protocol/user-facing-error.js';

export const loadImage = defineNode({
  schema: {
    type: 'LoadImage',
    displayName: 'Load Image',
    category: 'image',
    description: 'Loads a PNG file as an image, for image-to-image, and its alpha channel as a mask (1 where transparent, as ComfyUI\'s).',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [{ name: 'image', kind: 'STRING', default: '', multiline: false, tooltip: 'path of a PNG file' }],
    outputs: [
      { name: 'IMAGE', type: 'IMAGE' },
      { name: 'MASK', type: 'MASK' },
    ],
  },
  // The file can change between runs while the path stays the same.
  fingerprint: ({ image }) => fileFingerprint(path.resolve(image ?? '')),
  execute: ({ image }) => {
    let png;
    try {
      png = decodePng(readFileSync(path.resolve(image)));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message = code === 'ENOENT' ? `no such file: ${image}` : `cannot read ${image} as a PNG: ${(error as Error).message}`;
      throw new UserFacingError(message, { field: 'image', cause: error });
    }
    const pixels = fromRgb8(png.data, png.channels, png.height, png.width);
    return { outputs: [{ batch: 1, height: png.height, width: png.width, pixels }, maskFromAlpha(png.data, png.channels, png.height, png.width)] };
  },
});
