/** The contract between the UI and the engine. Imports nothing from Node, Electron or ONNX Runtime. */
export * from './node-schema.js';
export * from './workflow.js';
export * from './prompt.js';
export * from './issues.js';
export * from './events.js';
export * from './channels.js';
export * from './shell-channels.js';
export * from './user-facing-error.js';
export * from './painted-schedule.js';
export * from './frontend-nodes.js';
export * from './value-control.js';
export * from './control-updates.js';
export * from './subgraphs.js';
export * from './subgraph-controls.js';
