/**
 * The desktop shell's hardening, item by item from Electron's security checklist
 * (https://www.electronjs.org/docs/latest/tutorial/security). Electron-free so each guard is tested
 * in plain Node: main.ts hands them the Electron objects.
 */
import { isAppUrl } from './app-protocol.js';

/** Every BrowserWindow's webPreferences besides its preload script. */
export const SECURE_WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
} as const);

type PreventableNavigation = { url: string; preventDefault(): void };

/** The part of Electron's webContents the guards use. */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: PreventableNavigation) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** No page, frame or redirect leaves the app; no new windows; no <webview>. */
export function guardNavigation(contents: GuardedContents): void {
  const stayInApp = (event: PreventableNavigation) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-frame-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** session.setPermissionRequestHandler: the app needs no camera, microphone, notifications, clipboard reads… */
export function denyPermissionRequest(_contents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

/** session.setPermissionCheckHandler: the synchronous check says no as well. */
export function denyPermissionCheck(): boolean {
  return false;
}

/** The frame an IPC message came from, as Electron's WebFrameMain describes it. */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

/** Only the app's own top-level page may use IPC: not a subframe, not a page that got navigated elsewhere. */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  return !!frame && frame.parent === null && isAppUrl(frame.url);
}

/** An ipcMain.handle listener that refuses messages from any other sender before `handler` sees them. */
export function trustedIpcHandler(handler: (payload: unknown) => Promise<unknown>): (event: { senderFrame: SenderFrame | null }, payload: unknown) => Promise<unknown> {
  return async (event, payload) => {
    if (!isTrustedSender(event.senderFrame)) throw new Error(`refused IPC from ${event.senderFrame?.url ?? 'an unknown frame'}: only the app's own page may ask`);
    return handler(payload);
  };
}

/**
 * The UI's Content-Security-Policy, also sent as a header on every app:// response (the header
 * covers what a <meta> cannot: frame-ancestors, and responses that are not HTML). It matches the
 * <meta> in renderer/index.html (test/electron/window-security.test.ts checks).
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'; worker-src 'none'";

/** `response` with the CSP and no-sniffing headers added. */
export function withSecurityHeaders(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set('content-security-policy', `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`);
  headers.set('x-content-type-options', 'nosniff');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
