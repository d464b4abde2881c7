import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EngineClient } from '../../app/engine/engine-client.js';
import { startHttpApi, type HttpApi } from '../../app/server/http-api.js';
import { findOutputFile, resolveOutputFile } from '../../app/server/output-file-path.js';

/** One request with the path and headers exactly as given (fetch would normalise both). */
function send(base: string, method: string, pathAndQuery: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<{ status: number; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: url.hostname, port: url.port, method, path: pathAndQuery, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A folder with a secret beside the output folder, and links from inside the output folder to it. */
function outputWithEscapes() {
  const base = mkdtempSync(path.join(tmpdir(), 'security-'));
  const outputDir = path.join(base, 'out');
  mkdirSync(path.join(outputDir, 'set'), { recursive: true });
  writeFileSync(path.join(base, 'secret.txt'), 'secret');
  writeFileSync(path.join(outputDir, 'set', 'a.png'), 'png');
  symlinkSync(path.join(base, 'secret.txt'), path.join(outputDir, 'leak.txt'));
  symlinkSync(base, path.join(outputDir, 'up'));
  symlinkSync(path.join(outputDir, 'set', 'a.png'), path.join(outputDir, 'alias.png'));
  return { outputDir };
}

describe('output file lookups', () => {
  const { outputDir } = outputWithEscapes();

  test('refuse traversal, absolute paths, backslashes and NUL before touching the disk', () => {
    for (const [filename, subfolder] of [['../secret.txt', ''], ['secret.txt', '..'], ['/etc/passwd', ''], ['a.png', '/etc'], ['..\\secret.txt', ''], ['a.png', 'set\\..\\..'], ['a.png\0.txt', ''], ['a.png', 'set\0']]) {
      assert.equal(resolveOutputFile(outputDir, filename!, subfolder!).ok, false, JSON.stringify([filename, subfolder]));
    }
    assert.equal(resolveOutputFile(outputDir, '..a.png', '').ok, true, 'a name that merely starts with two dots is a name');
  });

  test('refuse symbolic links that lead out of the output folder; links inside it are followed', async () => {
    assert.deepEqual(await findOutputFile(outputDir, 'leak.txt', ''), { ok: false, reason: 'outside' });
    assert.deepEqual(await findOutputFile(outputDir, 'secret.txt', 'up'), { ok: false, reason: 'outside' });
    assert.equal((await findOutputFile(outputDir, 'alias.png', '')).ok, true);
    assert.deepEqual(await findOutputFile(outputDir, 'none.png', 'set'), { ok: false, reason: 'missing' });
  });
});

describe('the HTTP server refuses', () => {
  let engine: EngineClient;
  let api: HttpApi;
  const { outputDir } = outputWithEscapes();
  const maxBodyBytes = 4096;
  before(async () => {
    engine = await EngineClient.start();
    api = await startHttpApi({ engine, outputDir, host: '127.0.0.1', port: 0, rendererDir: null, maxBodyBytes });
  });
  after(async () => {
    await api.close();
    await engine.close();
  });

  test('/view outside the output folder, in every encoding', async () => {
    assert.equal((await send(api.url, 'GET', '/view?filename=a.png&subfolder=set')).text, 'png');
    const refused = [
      '/view?filename=../secret.txt',
      '/view?filename=..%2Fsecret.txt',
      '/view?filename=%2e%2e%2fsecret.txt',
      '/view?filename=%2E%2E/secret.txt',
      '/view?filename=secret.txt&subfolder=..',
      '/view?filename=secret.txt&subfolder=%2e%2e',
      '/view?filename=%2Fetc%2Fpasswd',
      '/view?filename=..%5Csecret.txt',
      '/view?filename=a.png%00.txt&subfolder=set',
      '/view?filename=leak.txt',
      '/view?filename=secret.txt&subfolder=up',
    ];
    for (const url of refused) assert.equal((await send(api.url, 'GET', url)).status, 403, url);
    // Decoded once: a doubly encoded `..` is a literal, missing file name inside the folder.
    assert.equal((await send(api.url, 'GET', '/view?filename=%252e%252e%252fsecret.txt')).status, 404);
  });

  test('cross-site "simple" requests: a text/plain POST from another origin, or any request a browser marks cross-site', async () => {
    const workflow = JSON.stringify({ nodes: [] });
    assert.equal((await send(api.url, 'POST', '/prompt', { origin: 'http://evil.example', 'content-type': 'text/plain' }, workflow)).status, 403);
    assert.equal((await send(api.url, 'POST', '/prompt', { 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' }, workflow)).status, 403);
    assert.equal((await send(api.url, 'GET', '/view?filename=a.png&subfolder=set', { 'sec-fetch-site': 'same-site' })).status, 403);
    assert.equal((await send(api.url, 'GET', '/view?filename=a.png&subfolder=set', { 'sec-fetch-site': 'same-origin' })).status, 200);
    assert.equal((await send(api.url, 'GET', '/queue', { 'sec-fetch-site': 'none' })).status, 200);
  });

  test('request bodies over the limit with 413, declared or streamed', async () => {
    const big = JSON.stringify({ workflow: { padding: 'x'.repeat(maxBodyBytes) } });
    const json = { 'content-type': 'application/json' };
    const declared = await send(api.url, 'POST', '/api/request/validate', { ...json, 'content-length': String(Buffer.byteLength(big)) }, big);
    assert.equal(declared.status, 413);
    assert.match(declared.text, /larger than 4096 bytes/);
    assert.equal((await send(api.url, 'POST', '/api/request/validate', { ...json, 'transfer-encoding': 'chunked' }, big)).status, 413);
    assert.equal((await send(api.url, 'POST', '/prompt', { 'transfer-encoding': 'chunked' }, big)).status, 413);
    assert.equal((await send(api.url, 'POST', '/api/request/queue', json, '{}')).status, 200, 'the server still answers');
  });
});
