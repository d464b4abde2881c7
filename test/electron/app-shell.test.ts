import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import { applicationMenu } from '../../app/electron/app-menu.js';
import { MENU_COMMANDS, type MenuCommand } from '../../app/protocol/index.js';
import { APP_INDEX_URL, isAppUrl, resolveAppRequest } from '../../app/electron/app-protocol.js';

function items(menu: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return menu.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}

describe('application menu', () => {
  test('every document command is reachable, sends itself to the page, and leaves its keys to the page', () => {
    const sent: MenuCommand[] = [];
    const all = items(applicationMenu((command) => sent.push(command), 'linux'));
    for (const item of all) if (item.click) (item.click as () => void)();
    assert.deepEqual([...sent].sort(), [...MENU_COMMANDS].sort());
    for (const item of all.filter((candidate) => candidate.accelerator)) assert.equal(item.registerAccelerator, false, item.label);
    assert.equal(all.find((item) => item.label === 'Save')?.accelerator, 'CmdOrCtrl+S');
  });

  test('macOS gets the app menu and Close instead of Quit', () => {
    const mac = applicationMenu(() => undefined, 'darwin');
    assert.equal(mac[0]?.role, 'appMenu');
    assert.ok(items(mac).some((item) => item.role === 'close'));
    assert.ok(items(applicationMenu(() => undefined, 'win32')).some((item) => item.role === 'quit'));
  });
});

describe('the app:// scheme', () => {
  const dirs = { rendererDir: path.resolve('/opt/studio/renderer/dist'), outputDir: path.resolve('/home/u/Pictures/ScaleCrafter Studio') };

  test('serves the UI and output images, confined to their folders', () => {
    assert.deepEqual(resolveAppRequest(APP_INDEX_URL, dirs), { kind: 'file', path: path.join(dirs.rendererDir, 'index.html') });
    assert.deepEqual(resolveAppRequest('app://scalecrafter/', dirs), { kind: 'file', path: path.join(dirs.rendererDir, 'index.html') });
    assert.deepEqual(resolveAppRequest('app://scalecrafter/assets/index-1.js', dirs), { kind: 'file', path: path.join(dirs.rendererDir, 'assets', 'index-1.js') });
    assert.deepEqual(resolveAppRequest('app://scalecrafter/view?filename=a.png&subfolder=set%201', dirs), { kind: 'file', path: path.join(dirs.outputDir, 'set 1', 'a.png') });
  });

  test('refuses other hosts, other schemes and escapes', () => {
    assert.deepEqual(resolveAppRequest('app://elsewhere/index.html', dirs), { kind: 'refused', status: 404 });
    assert.deepEqual(resolveAppRequest('file:///etc/passwd', dirs), { kind: 'refused', status: 404 });
    assert.deepEqual(resolveAppRequest('app://scalecrafter/view?filename=../../.ssh/id_rsa', dirs), { kind: 'refused', status: 403 });
    assert.deepEqual(resolveAppRequest('app://scalecrafter/view?filename=/etc/passwd', dirs), { kind: 'refused', status: 403 });
    // URL parsing already folds encoded dot segments, so they cannot climb out of the UI folder.
    assert.deepEqual(resolveAppRequest('app://scalecrafter/%2e%2e/%2e%2e/secret', dirs), { kind: 'file', path: path.join(dirs.rendererDir, 'secret') });
  });

  test('the window navigates only within the app', () => {
    assert.equal(isAppUrl(APP_INDEX_URL), true);
    assert.equal(isAppUrl('https://example.com/'), false);
    assert.equal(isAppUrl('not a url'), false);
  });
});
