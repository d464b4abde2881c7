import { defineNode } from '../app/engine/node-definition.js';
import { UserFacingError } from '../app/protocol/user-facing-error.js';

export const textToNumber = defineNode({
  schema: {
    type: 'TextToNumber',
    displayName: 'Text to Number',
    category: 'utils/math',
    description: 'Reads a number written as text; fails on anything that is not a number.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [{ name: 'text', kind: 'STRING', default: '0', multiline: false, forceInput: true }],
    outputs: [{ name: 'FLOAT', type: 'FLOAT' }],
  },
  execute: ({ text }) => {
    const value = text.trim() === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(value)) throw new UserFacingError(`"${text}" is not a number`, { field: 'text', hint: 'write digits such as 2.5 or 1e3' });
    return { outputs: [value] };
  },
});
