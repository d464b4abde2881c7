import { setTimeout as sleep } from 'node:timers/promises';
import { defineNode } from '../app/engine/node-definition.js';

const TICK_MS = 50;

export const delay = defineNode({
  schema: {
    type: 'Delay',
    displayName: 'Delay',
    category: 'utils/flow',
    description: 'Waits the given number of seconds, then passes its text on (paces queued jobs; cancellable).',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'text', kind: 'STRING', default: '', multiline: false, forceInput: true },
      { name: 'seconds', kind: 'FLOAT', default: 1, min: 0, max: 3600, step: 0.1 },
    ],
    outputs: [{ name: 'STRING', type: 'STRING' }],
  },
  execute: async ({ text, seconds }, { signal, progress }) => {
    const totalMs = seconds * 1000;
    for (let waited = 0; waited < totalMs; waited += TICK_MS) {
      signal.throwIfAborted();
      progress(waited / 1000, seconds);
      await sleep(Math.min(TICK_MS, totalMs - waited), undefined, { signal });
    }
    progress(seconds, seconds);
    return { outputs: [text] };
  },
});
