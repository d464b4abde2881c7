/**
 * A test-only engine process entry: the shipped node registry plus AbortProcess, a node that ends
 * the process with abort() as a native crash inside ONNX Runtime would. It exists only here — the
 * app's own entry (app/engine/engine-main.ts) never registers it and electron-builder ships no
 * test files — so no build of the app has a button that crashes its engine.
 */
import { serveEngine } from '../../app/engine/serve-engine.js';
import { createNodeRegistry } from '../../nodes/index.js';
import { abortProcess } from './abort-process-node.js';

serveEngine((config) => {
  const registry = createNodeRegistry(config);
  registry.register(abortProcess);
  return registry;
});
