import { defineNode } from '../app/engine/node-definition.js';
import { writeOutputFile } from '../app/engine/output-files.js';
import { imageAt, toRgb8 } from '../app/imaging/image-batch.js';
import { asciiJson, encodeRgbPng } from '../app/imaging/png-metadata.js';

export const saveImage = defineNode({
  schema: {
    type: 'SaveImage',
    displayName: 'Save Image',
    category: 'image',
    description: 'Saves PNGs to the output folder with the workflow embedded; never overwrites.',
    version: 1,
    outputNode: true,
    idempotent: true,
    inputs: [
      { name: 'images', kind: 'socket', type: 'IMAGE' },
      { name: 'filename_prefix', kind: 'STRING', default: 'ScaleCrafter', multiline: false, tooltip: 'may name a subfolder ("portraits/face"); never leaves the output folder' },
    ],
    outputs: [],
  },
  execute: async ({ images, filename_prefix }, context) => {
    // ComfyUI's forms under its chunk names and ours under our own, so either app reads the image back into a graph.
    const text = Object.fromEntries(Object.entries(context.embeddedWorkflow()).map(([keyword, json]) => [keyword, asciiJson(json)]));
    const written = [];
    for (let index = 0; index < images.batch; index++) {
      const png = encodeRgbPng(toRgb8(imageAt(images, index)), images.width, images.height, text);
      const file = await writeOutputFile(context.outputDir, filename_prefix, 'png', png);
      written.push({ filename: file.filename, subfolder: file.subfolder, type: 'output' });
    }
    return { outputs: [], ui: { images: written } };
  },
});
