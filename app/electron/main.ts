/**
 * Electron main process: the app:// scheme, a sandboxed window, the engine process, and the IPC
 * bridge between them. Deliberately thin — everything it calls is tested in plain Node
 * (engine-bridge, farm-bridge, workflow-file-dialogs, app-menu, app-protocol, desktop-engine-config), since
 * Electron cannot be launched on CI.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, session } from 'electron';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EngineClient } from '../engine/engine-client.js';
import { FarmBatches } from '../farm/farm-batches.js';
import { defaultRendererDir } from '../server/renderer-assets.js';
import { applicationMenu } from './app-menu.js';
import { APP_INDEX_URL, APP_SCHEME, resolveAppRequest, type AppRequestSources } from './app-protocol.js';
import { desktopEngineConfig } from './desktop-engine-config.js';
import { bridgeEngine } from './engine-bridge.js';
import { bridgeFarm } from './farm-bridge.js';
import { handleShellRequest, pushToShell, type IpcHost } from './ipc-boundary.js';
import { utilityProcessEngine } from './utility-process-engine.js';
import { WorkflowFiles } from './workflow-file-dialogs.js';
import { denyPermissionCheck, denyPermissionRequest, guardNavigation, SECURE_WEB_PREFERENCES, trustedIpcHandler, withSecurityHeaders } from './window-security.js';

const here = path.dirname(fileURLToPath(import.meta.url));

// Before `ready`: app:// behaves like https (standard URL parsing, secure context, fetch).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

function outputFolder(): string {
  const dir = path.join(app.getPath('pictures'), 'ScaleCrafter Studio');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function serveAppScheme(sources: AppRequestSources): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const target = await resolveAppRequest(request.url, sources);
    if (target.kind === 'refused') return new Response(null, { status: target.status });
    return withSecurityHeaders(await net.fetch(pathToFileURL(target.path).href));
  });
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'ScaleCrafter Studio',
    webPreferences: { preload: path.join(here, 'preload.cjs'), ...SECURE_WEB_PREFERENCES },
  });
  void window.loadURL(APP_INDEX_URL);
  return window;
}

function focusedWindow(): BrowserWindow | undefined {
  return BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
}

// Every web contents, present or future, stays in the app.
app.on('web-contents-created', (_event, contents) => guardNavigation(contents));

app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler(denyPermissionRequest);
  session.defaultSession.setPermissionCheckHandler(denyPermissionCheck);
  const rendererDir = defaultRendererDir();
  if (!rendererDir) {
    dialog.showErrorBox('ScaleCrafter Studio', 'The canvas UI is not built: run `npm run build` first.');
    app.quit();
    return;
  }
  const outputDir = outputFolder();
  const engineConfig = desktopEngineConfig({ isPackaged: app.isPackaged, userDataDir: app.getPath('userData'), resourcesDir: process.resourcesPath });
  const engine = await EngineClient.start(engineConfig, { launch: utilityProcessEngine });
  const farm = new FarmBatches({ engine, engineConfig, outputDir });
  serveAppScheme({ rendererDir, outputDir, farm });
  const everyWindow: IpcHost = {
    handle: (channel, handler) => ipcMain.handle(channel, trustedIpcHandler(handler)),
    send: (channel, payload) => BrowserWindow.getAllWindows().forEach((window) => window.webContents.send(channel, payload)),
  };
  bridgeEngine(engine, everyWindow, { outputDir });
  bridgeFarm(farm, everyWindow);
  const files = new WorkflowFiles({
    chooseFileToOpen: async () => {
      const window = focusedWindow();
      const options = { properties: ['openFile' as const], filters: [{ name: 'Workflows and images', extensions: ['json', 'png'] }] };
      const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    chooseFileToSave: async (suggestedName) => {
      const window = focusedWindow();
      const options = { defaultPath: suggestedName, filters: [{ name: 'Workflow', extensions: ['json'] }] };
      const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  });
  handleShellRequest(everyWindow, 'openWorkflow', () => files.open());
  handleShellRequest(everyWindow, 'saveWorkflow', (request) => files.save(request));
  const focused: IpcHost = { ...everyWindow, send: (channel, payload) => focusedWindow()?.webContents.send(channel, payload) };
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenu((command) => pushToShell(focused, 'menuCommand', command), process.platform)));
  app.on('before-quit', () => void Promise.all([farm.close(), engine.close()]));
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
