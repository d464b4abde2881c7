import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { APP_INDEX_URL } from '../../app/electron/app-protocol.js';
import {
  CONTENT_SECURITY_POLICY,
  denyPermissionCheck,
  denyPermissionRequest,
  guardNavigation,
  isTrustedSender,
  SECURE_WEB_PREFERENCES,
  trustedIpcHandler,
  withSecurityHeaders,
  type GuardedContents,
} from '../../app/electron/window-security.js';

const root = path.resolve(import.meta.dirname, '../..');
const mainSource = readFileSync(path.join(root, 'app/electron/main.ts'), 'utf8');

/** webContents faked at the two methods the guards use. */
function fakeContents() {
  const listeners = new Map<string, (event: { url: string; preventDefault(): void }) => void>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents: GuardedContents = {
    on: (event, listener) => listeners.set(event, listener),
    setWindowOpenHandler: (handler) => (openHandler = handler),
  };
  const prevented = (event: string, url: string) => {
    let stopped = false;
    listeners.get(event)!({ url, preventDefault: () => (stopped = true) });
    return stopped;
  };
  return { contents, prevented, open: (url: string) => openHandler!({ url }) };
}

describe("Electron's security checklist, item by item", () => {
  test('webPreferences: context isolation, sandbox, no Node.js anywhere, web security, no insecure content, experiments or <webview>', () => {
    assert.deepEqual(SECURE_WEB_PREFERENCES, {
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
    });
    assert.ok(Object.isFrozen(SECURE_WEB_PREFERENCES));
  });

  test('main.ts (static check): every window gets exactly the preload plus those preferences, and installs every guard', () => {
    const windows = [...mainSource.matchAll(/new BrowserWindow\(/g)];
    assert.equal(windows.length, 1);
    assert.match(mainSource, /webPreferences: \{ preload: path\.join\(here, 'preload\.cjs'\), \.\.\.SECURE_WEB_PREFERENCES \}/);
    assert.match(mainSource, /app\.on\('web-contents-created', \(_event, contents\) => guardNavigation\(contents\)\)/);
    assert.match(mainSource, /setPermissionRequestHandler\(denyPermissionRequest\)/);
    assert.match(mainSource, /setPermissionCheckHandler\(denyPermissionCheck\)/);
    assert.match(mainSource, /ipcMain\.handle\(channel, trustedIpcHandler\(handler\)\)/);
    assert.equal([...mainSource.matchAll(/ipcMain\.(handle|on)\(/g)].length, 1, 'every IPC listener goes through trustedIpcHandler');
    assert.match(mainSource, /withSecurityHeaders\(await net\.fetch/);
    assert.doesNotMatch(mainSource, /openExternal|enableBlinkFeatures|registerFileProtocol|loadFile\(|file:\/\//);
    for (const file of readdirSync(path.join(root, 'app/electron'))) {
      const source = readFileSync(path.join(root, 'app/electron', file), 'utf8');
      assert.doesNotMatch(source, /(contextIsolation|sandbox|webSecurity): false|nodeIntegration\w*: true|allowRunningInsecureContent: true/, file);
    }
  });

  test('navigation, frame navigation and redirects stay in the app; new windows and <webview> are refused', () => {
    const { contents, prevented, open } = fakeContents();
    guardNavigation(contents);
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      assert.equal(prevented(event, 'https://attacker.example/'), true, event);
      assert.equal(prevented(event, 'file:///etc/passwd'), true, event);
      assert.equal(prevented(event, 'app://elsewhere/index.html'), true, event);
      assert.equal(prevented(event, APP_INDEX_URL), false, event);
    }
    assert.equal(prevented('will-attach-webview', APP_INDEX_URL), true);
    assert.deepEqual(open('https://attacker.example/'), { action: 'deny' });
    assert.deepEqual(open(APP_INDEX_URL), { action: 'deny' });
  });

  test('every permission request and check is denied', () => {
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen']) {
      let granted: boolean | undefined;
      denyPermissionRequest({}, permission, (answer) => (granted = answer));
      assert.equal(granted, false, permission);
    }
    assert.equal(denyPermissionCheck(), false);
  });

  test('IPC is answered only for the app\'s own top-level frame', async () => {
    const handler = trustedIpcHandler(async (payload) => ({ echoed: payload }));
    assert.deepEqual(await handler({ senderFrame: { url: APP_INDEX_URL, parent: null } }, 1), { echoed: 1 });
    assert.equal(isTrustedSender({ url: 'app://scalecrafter/index.html#/x', parent: null }), true);
    const refused = [
      { url: 'https://attacker.example/', parent: null },
      { url: APP_INDEX_URL, parent: { url: APP_INDEX_URL } },
      { url: 'app://other/index.html', parent: null },
      null,
    ];
    for (const senderFrame of refused) await assert.rejects(handler({ senderFrame }, 1), /refused IPC/, JSON.stringify(senderFrame));
  });

  test('app:// responses carry the UI\'s Content-Security-Policy (the same as index.html\'s <meta>), framing refused, no sniffing', async () => {
    const html = readFileSync(path.join(root, 'renderer/index.html'), 'utf8');
    assert.equal(/http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1], CONTENT_SECURITY_POLICY);
    const original = new Response('body', { status: 200, headers: { 'content-type': 'text/html' } });
    const secured = withSecurityHeaders(original);
    assert.equal(secured.headers.get('content-security-policy'), `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`);
    assert.equal(secured.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(secured.headers.get('content-type'), 'text/html');
    assert.equal(await secured.text(), 'body');
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-eval|\*/);
  });

  test('the packaged binary\'s fuses turn off Node.js entry points the app does not use', () => {
    const config = parse(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as { electronFuses: Record<string, boolean> };
    assert.deepEqual(config.electronFuses, {
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
    });
  });
});
