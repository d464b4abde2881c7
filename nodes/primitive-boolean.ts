import { defineNode } from '../app/engine/node-definition.js';

export const primitiveBoolean = defineNode({
  schema: {
    type: 'PrimitiveBoolean',
    displayName: 'Boolean',
    category: 'utils/primitive',
    description: 'True or false, to feed into any BOOLEAN input (a widget turned into an input).',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [{ name: 'value', kind: 'BOOLEAN', default: false }],
    outputs: [{ name: 'BOOLEAN', type: 'BOOLEAN' }],
  },
  execute: ({ value }) => ({ outputs: [value] }),
});
