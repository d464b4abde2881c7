import { defineNode } from '../app/engine/node-definition.js';

export const primitiveInt = defineNode({
  schema: {
    type: 'PrimitiveInt',
    displayName: 'Integer',
    category: 'utils/primitive',
    description: 'An integer to feed into any INT input (a widget turned into an input); its control can step or randomize it after each queue.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [{ name: 'value', kind: 'INT', default: 0, min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER, step: 1, controlDefault: 'fixed' }],
    outputs: [{ name: 'INT', type: 'INT' }],
  },
  execute: ({ value }) => ({ outputs: [value] }),
});
