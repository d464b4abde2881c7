import { defineNode } from '../app/engine/node-definition.js';

export const showText = defineNode({
  schema: {
    type: 'ShowText',
    displayName: 'Show Text',
    category: 'utils/output',
    description: 'Shows text on the canvas and in the run history.',
    version: 1,
    outputNode: true,
    idempotent: true,
    inputs: [{ name: 'text', kind: 'STRING', default: '', multiline: true, forceInput: true }],
    outputs: [],
  },
  execute: ({ text }) => ({ outputs: [], ui: { text: [text] } }),
});
