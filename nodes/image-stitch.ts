import { defineNode } from '../app/engine/node-definition.js';
import { SPACING_COLORS, STITCH_DIRECTIONS, stitchImages } from '../app/imaging/image-stitch.js';

export const imageStitch = defineNode({
  schema: {
    type: 'ImageStitch',
    displayName: 'Image Stitch',
    category: 'image/transform',
    description: 'Puts image2 beside image1 in the chosen direction, with an optional strip between them; without image2, image1 as it is (ComfyUI\'s ImageStitch).',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'image1', kind: 'socket', type: 'IMAGE' },
      { name: 'direction', kind: 'COMBO', options: STITCH_DIRECTIONS, default: 'right', tooltip: 'where image2 goes: left and up put it first' },
      { name: 'match_image_size', kind: 'BOOLEAN', default: true, tooltip: 'resize image2 (lanczos) to image1\'s height, or width when stacking; off: pad the smaller one, centred' },
      { name: 'spacing_width', kind: 'INT', default: 0, min: 0, max: 1024, step: 2, tooltip: 'pixels between the images; odd widths are rounded up to even' },
      { name: 'spacing_color', kind: 'COMBO', options: SPACING_COLORS, default: 'white', tooltip: 'the strip\'s colour; padding is white for white, else black (ComfyUI\'s rule)' },
      { name: 'image2', kind: 'socket', type: 'IMAGE', optional: true },
    ],
    outputs: [{ name: 'IMAGE', type: 'IMAGE' }],
  },
  execute: ({ image1, image2, direction, match_image_size, spacing_width, spacing_color }) => ({
    outputs: [stitchImages(image1, image2, { direction, matchImageSize: match_image_size, spacingWidth: spacing_width, spacingColor: spacing_color })],
  }),
});
