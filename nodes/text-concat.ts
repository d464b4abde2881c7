import { defineNode } from '../app/engine/node-definition.js';

export const textConcat = defineNode({
  schema: {
    type: 'TextConcat',
    displayName: 'Join Text',
    category: 'utils/text',
    description: 'Joins two texts with a separator, e.g. a subject and a shared style prompt.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'first', kind: 'STRING', default: '', multiline: true },
      { name: 'second', kind: 'STRING', default: '', multiline: true },
      { name: 'separator', kind: 'STRING', default: ', ', multiline: false },
    ],
    outputs: [{ name: 'STRING', type: 'STRING' }],
  },
  execute: ({ first, second, separator }) => ({ outputs: [[first, second].filter((part) => part !== '').join(separator)] }),
});
