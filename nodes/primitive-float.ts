import { defineNode } from '../app/engine/node-definition.js';

export const primitiveFloat = defineNode({
  schema: {
    type: 'PrimitiveFloat',
    displayName: 'Float',
    category: 'utils/primitive',
    description: 'A number to feed into any FLOAT input (a widget turned into an input).',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [{ name: 'value', kind: 'FLOAT', default: 0, min: -Number.MAX_VALUE, max: Number.MAX_VALUE, step: 0.01 }],
    outputs: [{ name: 'FLOAT', type: 'FLOAT' }],
  },
  execute: ({ value }) => ({ outputs: [value] }),
});
