/**
 * Electron main process: a window, the engine worker, and the bridge between them. Deliberately
 * thin — everything it calls is tested in plain Node, since Electron cannot be launched on CI.
 */
import { app, BrowserWindow, ipcMain } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineClient } from '../engine/engine-client.js';
import { bridgeEngine } from './engine-bridge.js';
import { IPC_ENGINE_EVENT, IPC_ENGINE_REQUEST } from './ipc-channels.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, '../../..');

async function createWindow(): Promise<void> {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'ScaleCrafter Studio',
    webPreferences: {
      preload: path.join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  const page = path.join(projectRoot, 'renderer', 'dist', 'index.html');
  if (existsSync(page)) await window.loadFile(page);
  else await window.loadURL(`data:text/html,${encodeURIComponent('<h1>ScaleCrafter Studio</h1><p>The canvas is not built yet: run <code>npm run build</code>.</p>')}`);
}

app.whenReady().then(async () => {
  const engine = await EngineClient.start();
  bridgeEngine(
    engine,
    {
      handle: (channel, handler) => ipcMain.handle(channel, (_event, payload: unknown) => handler(payload)),
      broadcast: (channel, event) => BrowserWindow.getAllWindows().forEach((window) => window.webContents.send(channel, event)),
    },
    { request: IPC_ENGINE_REQUEST, event: IPC_ENGINE_EVENT },
  );
  app.on('before-quit', () => void engine.close());
  await createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
