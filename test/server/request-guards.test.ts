import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { describe, test } from 'node:test';
import { resolveOutputFile } from '../../app/server/output-file-path.js';
import { rendererAssetPath } from '../../app/server/renderer-assets.js';
import { checkRendererRequest } from '../../app/server/renderer-requests.js';
import { isLoopbackAddress, isTrustedRequest } from '../../app/server/same-origin.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

const withHeaders = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('what a host accepts from a UI page', () => {
  test('enqueue gets the host\'s output folder and keeps the page\'s label and provider', () => {
    const checked = checkRendererRequest({ name: 'enqueue', params: { workflow: { nodes: [] }, options: { label: 'a.json', executionProvider: 'cpu' } } }, { outputDir: '/out' });
    assert.deepEqual(checked, { name: 'enqueue', params: { workflow: { nodes: [] }, overrides: [], options: { label: 'a.json', executionProvider: 'cpu', outputDir: '/out' } } });
    const bare = checkRendererRequest({ name: 'enqueue', params: { workflow: {} } }, { outputDir: '/out' });
    assert.equal(bare.name === 'enqueue' && bare.params.options.outputDir, '/out');
  });

  test('a page may not name the output folder, an unknown request, or bad parameters', () => {
    assert.throws(() => checkRendererRequest({ name: 'enqueue', params: { workflow: {}, options: { outputDir: '/etc' } } }, { outputDir: '/out' }), UserFacingError);
    assert.throws(() => checkRendererRequest({ name: 'eval', params: {} }, { outputDir: '/out' }), /malformed engine request/);
    assert.throws(() => checkRendererRequest({ name: 'cancel', params: {} }, { outputDir: '/out' }), /bad parameters for "cancel"/);
    assert.deepEqual(checkRendererRequest({ name: 'cancel', params: { jobId: 'j' } }, { outputDir: '/out' }), { name: 'cancel', params: { jobId: 'j' } });
  });
});

describe('trusted requests', () => {
  test('same origin or no origin passes; another origin does not', () => {
    const options = { loopbackOnly: true };
    assert.equal(isTrustedRequest(withHeaders({ host: '127.0.0.1:8188' }), options), true);
    assert.equal(isTrustedRequest(withHeaders({ host: '127.0.0.1:8188', origin: 'http://127.0.0.1:8188' }), options), true);
    assert.equal(isTrustedRequest(withHeaders({ host: '127.0.0.1:8188', origin: 'http://127.0.0.1:9999' }), options), false);
    assert.equal(isTrustedRequest(withHeaders({ host: '127.0.0.1:8188', origin: 'null' }), options), false);
    assert.equal(isTrustedRequest(withHeaders({}), options), false);
  });

  test('while bound to loopback, only loopback host names (DNS rebinding); with --listen any', () => {
    assert.equal(isTrustedRequest(withHeaders({ host: 'localhost:8188' }), { loopbackOnly: true }), true);
    assert.equal(isTrustedRequest(withHeaders({ host: '[::1]:8188' }), { loopbackOnly: true }), true);
    assert.equal(isTrustedRequest(withHeaders({ host: 'attacker.example:8188', origin: 'http://attacker.example:8188' }), { loopbackOnly: true }), false);
    assert.equal(isTrustedRequest(withHeaders({ host: 'gpu-box.lan:8188' }), { loopbackOnly: false }), true);
    assert.deepEqual(['127.0.0.1', '127.0.0.2', '::1', 'localhost', '0.0.0.0', '192.168.1.2'].map(isLoopbackAddress), [true, true, true, true, false, false]);
  });
});

describe('paths from URLs', () => {
  test('UI assets stay inside the UI folder', () => {
    const root = path.resolve('/srv/ui');
    assert.equal(rendererAssetPath(root, '/'), path.join(root, 'index.html'));
    assert.equal(rendererAssetPath(root, '/assets/a%20b.js'), path.join(root, 'assets', 'a b.js'));
    assert.equal(rendererAssetPath(root, '/../etc/passwd'), null);
    assert.equal(rendererAssetPath(root, '/%2e%2e/etc/passwd'), null);
    assert.equal(rendererAssetPath(root, '/a%00.js'), null);
    assert.equal(rendererAssetPath(root, '/%E0%A4%A'), null);
  });

  test('output files stay inside the output folder', () => {
    const out = path.resolve('/out');
    assert.deepEqual(resolveOutputFile(out, 'a.png', 'set'), { ok: true, path: path.join(out, 'set', 'a.png'), relative: path.join('set', 'a.png') });
    assert.deepEqual(resolveOutputFile(out, '../a.png', ''), { ok: false, reason: 'outside' });
    assert.deepEqual(resolveOutputFile(out, 'a.png', '/etc'), { ok: false, reason: 'outside' });
    assert.deepEqual(resolveOutputFile(out, '', ''), { ok: false, reason: 'empty' });
  });
});
