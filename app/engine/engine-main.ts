/**
 * The engine process's entry point and composition root: the only shipped module that imports the
 * node registry. Started by EngineClient through child_process.fork or Electron's utilityProcess.
 */
import { createNodeRegistry } from '../../nodes/index.js';
import { checkpointChoices } from '../../nodes/load-checkpoint.js';
import { serveEngine } from './serve-engine.js';

serveEngine(createNodeRegistry, checkpointChoices);
