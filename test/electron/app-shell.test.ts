import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  const rendererDir = path.resolve('/opt/studio/renderer/dist');
  const outputDir = mkdtempSync(path.join(tmpdir(), 'app-scheme-out-'));
  mkdirSync(path.join(outputDir, 'set 1'));
  writeFileSync(path.join(outputDir, 'set 1', 'a.png'), 'png');
  const dirs = { rendererDir, outputDir };

  test('serves the UI and output images, confined to their folders', async () => {
    assert.deepEqual(await resolveAppRequest(APP_INDEX_URL, dirs), { kind: 'file', path: path.join(rendererDir, 'index.html') });
    assert.deepEqual(await resolveAppRequest('app://scalecrafter/', dirs), { kind: 'file', path: path.join(rendererDir, 'index.html') });
    assert.deepEqual(await resolveAppRequest('app://scalecrafter/assets/index-1.js', dirs), { kind: 'file', path: path.join(rendererDir, 'assets', 'index-1.js') });
    assert.deepEqual(await resolveAppRequest('app://scalecrafter/view?filename=a.png&subfolder=set%201', dirs), { kind: 'file', path: path.join(realpathSync(outputDir), 'set 1', 'a.png') });
    assert.deepEqual(await resolveAppRequest('app://scalecrafter/view?filename=b.png', dirs), { kind: 'refused', status: 404 });
  });

  test('refuses other hosts, other schemes and escapes', async () => {
    assert.deepEqual(await resolveAppRequest('app://elsewhere/index.html', dirs), { kind: 'refused', status: 404 });
    assert.deepEqual(await resolveAppRequest('file:///etc/passwd', dirs), { kind: 'refused', status: 404 });
    for (const query of ['filename=../../.ssh/id_rsa', 'filename=/etc/passwd', 'filename=..%2F..%2Fsecret', 'filename=a.png&subfolder=..', 'filename=..%5Csecret', 'filename=a%00.png']) {
      assert.deepEqual(await resolveAppRequest(`app://scalecrafter/view?${query}`, dirs), { kind: 'refused', status: 403 }, query);
    }
    // Decoded once: a doubly encoded name is a literal (missing) file name inside the folder.
    assert.deepEqual(await resolveAppRequest('app://scalecrafter/view?filename=%252e%252e%252fsecret', dirs), { kind: 'refused', status: 404 });
    // URL parsing already folds encoded dot segments, so they cannot climb out of the UI folder.
    assert.deepEqual(await resolveAppRequest('app://scalecrafter/%2e%2e/%2e%2e/secret', dirs), { kind: 'file', path: path.join(rendererDir, 'secret') });
  });

  test('the window navigates only within the app', () => {
    assert.equal(isAppUrl(APP_INDEX_URL), true);
    assert.equal(isAppUrl('https://example.com/'), false);
    assert.equal(isAppUrl('not a url'), false);
  });
});
