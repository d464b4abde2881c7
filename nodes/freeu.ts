import { defineNode } from '../app/engine/node-definition.js';
import { FREEU_DEFAULTS } from '../app/scalecrafter/freeu-defaults.js';
import { withPatch } from '../app/scalecrafter/patch-inputs.js';

const sd15 = FREEU_DEFAULTS['sd1.5'];

export const freeU = defineNode({
  schema: {
    type: 'FreeU',
    displayName: 'FreeU',
    category: 'scalecrafter',
    description: 'Re-weights the UNet\'s up-block backbone (b) and skip features (s), as the ScaleCrafter reference does by default. SD1.5 1.2/1.4/0.9/0.2, SD2.1 1.1/1.2/0.9/0.2, SDXL 1.1/1.2/0.6/0.4.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'model', kind: 'socket', type: 'MODEL' },
      { name: 'b1', kind: 'FLOAT', default: sd15.b1, min: 0, max: 3, step: 0.01, tooltip: 'backbone scale, deepest up blocks' },
      { name: 'b2', kind: 'FLOAT', default: sd15.b2, min: 0, max: 3, step: 0.01, tooltip: 'backbone scale, next up blocks' },
      { name: 's1', kind: 'FLOAT', default: sd15.s1, min: 0, max: 3, step: 0.01, tooltip: 'low-frequency scale of the skip features, deepest up blocks' },
      { name: 's2', kind: 'FLOAT', default: sd15.s2, min: 0, max: 3, step: 0.01, tooltip: 'low-frequency scale of the skip features, next up blocks' },
    ],
    outputs: [{ name: 'MODEL', type: 'MODEL' }],
  },
  execute: ({ model, b1, b2, s1, s2 }) => ({ outputs: [withPatch(model, { kind: 'freeu', settings: { b1, b2, s1, s2 } })] }),
});
