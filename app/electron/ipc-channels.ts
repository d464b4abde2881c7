/**
 * The Electron IPC surface: engine requests (invoke) and events (push), the two file dialogs
 * (invoke) and menu commands (push). Shared by main.ts and (as literals) by preload.cts, which
 * cannot import ESM modules; test/electron/preload.test.ts checks the two agree.
 */
export const IPC_ENGINE_REQUEST = 'engine:request';
export const IPC_ENGINE_EVENT = 'engine:event';
export const IPC_OPEN_WORKFLOW = 'workflow:open';
export const IPC_SAVE_WORKFLOW = 'workflow:save';
export const IPC_MENU_COMMAND = 'menu:command';
