import { defineNode } from '../app/engine/node-definition.js';

export const clipSetLastLayer = defineNode({
  schema: {
    type: 'CLIPSetLastLayer',
    displayName: 'CLIP Set Last Layer',
    category: 'conditioning',
    description: 'Clip skip (ComfyUI\'s CLIPSetLastLayer): the text encoders condition on the output of the layer this many from the end; −1 is the last, −2 the penultimate.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'clip', kind: 'socket', type: 'CLIP' },
      { name: 'stop_at_clip_layer', kind: 'INT', default: -1, min: -24, max: -1, step: 1, tooltip: 'SD 1.x: −1 default, −2 for models trained with clip skip 2; SDXL: −2 is its default' },
    ],
    outputs: [{ name: 'CLIP', type: 'CLIP' }],
  },
  execute: ({ clip, stop_at_clip_layer }) => ({ outputs: [{ ...clip, stopAt: stop_at_clip_layer }] }),
});
