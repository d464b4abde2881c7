import { defineNode } from '../app/engine/node-definition.js';

export const numberToText = defineNode({
  schema: {
    type: 'NumberToText',
    displayName: 'Number to Text',
    category: 'utils/text',
    description: 'Writes a number as text with a fixed number of decimals, e.g. for a filename prefix.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'value', kind: 'FLOAT', default: 0, min: -Number.MAX_VALUE, max: Number.MAX_VALUE, step: 0.01, forceInput: true },
      { name: 'decimals', kind: 'INT', default: 2, min: 0, max: 20, step: 1 },
    ],
    outputs: [{ name: 'STRING', type: 'STRING' }],
  },
  execute: ({ value, decimals }) => ({ outputs: [value.toFixed(decimals)] }),
});
