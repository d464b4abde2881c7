/**
 * The renderer's only door to the engine: two functions, no generic IPC escape hatch. A sandboxed
 * preload must be CommonJS, hence .cts; channel names repeat ipc-channels.ts for the same reason.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const IPC_ENGINE_REQUEST = 'engine:request';
const IPC_ENGINE_EVENT = 'engine:event';

contextBridge.exposeInMainWorld('scalecrafter', {
  request: (name: string, params: unknown): Promise<unknown> => ipcRenderer.invoke(IPC_ENGINE_REQUEST, { name, params }),
  onEvent: (listener: (event: unknown) => void): (() => void) => {
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(IPC_ENGINE_EVENT, wrapped);
    return () => ipcRenderer.removeListener(IPC_ENGINE_EVENT, wrapped);
  },
});
