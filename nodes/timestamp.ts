import { defineNode } from '../app/engine/node-definition.js';

export const timestamp = defineNode({
  schema: {
    type: 'Timestamp',
    displayName: 'Timestamp',
    category: 'utils/text',
    description: 'The current date and time as text, e.g. to give each run its own filename prefix.',
    version: 1,
    outputNode: false,
    // The clock moves: a cached timestamp would be a wrong one.
    idempotent: false,
    inputs: [{ name: 'format', kind: 'COMBO', options: ['iso', 'compact', 'unix_ms'], default: 'compact' }],
    outputs: [{ name: 'STRING', type: 'STRING' }],
  },
  execute: ({ format }) => {
    const now = new Date();
    const iso = now.toISOString();
    const text = { iso, compact: iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, ''), unix_ms: String(now.getTime()) }[format];
    return { outputs: [text] };
  },
});
