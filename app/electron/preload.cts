/**
 * The renderer's only door out of its sandbox: window.scalecrafter with eight functions, each bound
 * to one fixed channel (no generic IPC escape hatch). A sandboxed preload must be CommonJS and
 * cannot require project modules, hence .cts and channel names repeated from
 * app/protocol/shell-channels.ts (test/electron/preload.test.ts checks they agree). Main validates
 * every request sent here; the page validates every reply and push it gets back.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const IPC_ENGINE_REQUEST = 'engine:request';
const IPC_ENGINE_EVENT = 'engine:event';
const IPC_OPEN_WORKFLOW = 'workflow:open';
const IPC_SAVE_WORKFLOW = 'workflow:save';
const IPC_MENU_COMMAND = 'menu:command';
const IPC_FARM_SUBMIT = 'farm:submit';
const IPC_FARM_FOLLOW = 'farm:follow';
const IPC_FARM_BATCH = 'farm:batch';

/** Subscribes to a push channel; the page gets the payload only, never Electron's event object. */
function subscribe(channel: string, listener: (payload: unknown) => void): () => void {
  const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

contextBridge.exposeInMainWorld('scalecrafter', {
  request: (name: string, params: unknown): Promise<unknown> => ipcRenderer.invoke(IPC_ENGINE_REQUEST, { name, params }),
  onEvent: (listener: (event: unknown) => void): (() => void) => subscribe(IPC_ENGINE_EVENT, listener),
  openWorkflow: (): Promise<unknown> => ipcRenderer.invoke(IPC_OPEN_WORKFLOW),
  saveWorkflow: (request: unknown): Promise<unknown> => ipcRenderer.invoke(IPC_SAVE_WORKFLOW, request),
  onMenuCommand: (listener: (command: unknown) => void): (() => void) => subscribe(IPC_MENU_COMMAND, listener),
  farmSubmit: (params: unknown): Promise<unknown> => ipcRenderer.invoke(IPC_FARM_SUBMIT, params),
  farmFollow: (batchId: string): Promise<unknown> => ipcRenderer.invoke(IPC_FARM_FOLLOW, { batchId }),
  onFarmBatch: (listener: (view: unknown) => void): (() => void) => subscribe(IPC_FARM_BATCH, listener),
});
