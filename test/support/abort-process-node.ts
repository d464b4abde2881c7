/** AbortProcess: a test-only node that aborts its process, registered only by aborting-engine-main.ts. */
import { defineNode } from '../../app/engine/node-definition.js';

export const abortProcess = defineNode({
  schema: {
    type: 'AbortProcess',
    displayName: 'Abort Process (test only)',
    category: 'testing',
    description: 'Aborts the engine process, as a native crash inside ONNX Runtime would.',
    version: 1,
    outputNode: false,
    idempotent: false,
    inputs: [{ name: 'text', kind: 'STRING', default: '', multiline: false, forceInput: true }],
    outputs: [{ name: 'STRING', type: 'STRING' }],
  },
  execute: () => process.abort(),
});
