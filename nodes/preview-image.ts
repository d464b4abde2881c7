import { defineNode } from '../app/engine/node-definition.js';
import { writeOutputFile } from '../app/engine/output-files.js';
import { imageAt, toRgb8 } from '../app/imaging/image-batch.js';
import { encodeRgbPng } from '../app/imaging/png-metadata.js';

/** Previews go to a hidden subfolder of the output folder: viewable through /view, apart from saved work. */
export const PREVIEW_PREFIX = '.previews/preview';

export const previewImage = defineNode({
  schema: {
    type: 'PreviewImage',
    displayName: 'Preview Image',
    category: 'image',
    description: 'Shows images without saving them as results (written to the output folder\'s .previews).',
    version: 1,
    outputNode: true,
    idempotent: true,
    inputs: [{ name: 'images', kind: 'socket', type: 'IMAGE' }],
    outputs: [],
  },
  execute: async ({ images }, context) => {
    const shown = [];
    for (let index = 0; index < images.batch; index++) {
      const png = encodeRgbPng(toRgb8(imageAt(images, index)), images.width, images.height, {});
      const file = await writeOutputFile(context.outputDir, PREVIEW_PREFIX, 'png', png);
      shown.push({ filename: file.filename, subfolder: file.subfolder, type: 'temp' });
    }
    return { outputs: [], ui: { images: shown } };
  },
});
