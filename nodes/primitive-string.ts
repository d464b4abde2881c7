import { defineNode } from '../app/engine/node-definition.js';

export const primitiveString = defineNode({
  schema: {
    type: 'PrimitiveString',
    displayName: 'Text',
    category: 'utils/primitive',
    description: 'A piece of text to feed into any STRING input, such as a shared prompt.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [{ name: 'value', kind: 'STRING', default: '', multiline: true }],
    outputs: [{ name: 'STRING', type: 'STRING' }],
  },
  execute: ({ value }) => ({ outputs: [value] }),
});
