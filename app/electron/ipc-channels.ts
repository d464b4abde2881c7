/**
 * The Electron IPC surface: one invoke channel for engine requests and one push channel for engine
 * events. Shared by main.ts and (as literals) by preload.cts, which cannot import ESM modules.
 */
export const IPC_ENGINE_REQUEST = 'engine:request';
export const IPC_ENGINE_EVENT = 'engine:event';
