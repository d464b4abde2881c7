import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { EngineClient } from '../../app/engine/engine-client.js';
import { startHttpApi, type HttpApi } from '../../app/server/http-api.js';
import type { EngineEvent } from '../../app/protocol/index.js';
import { createNodeRegistry } from '../../nodes/index.js';
import { WorkflowBuilder } from '../support/workflow-builder.js';
import { defaultWorkflow } from '../support/default-workflow.js';

/** A raw request, so paths reach the server exactly as written (fetch would normalise `..`). */
function rawGet(base: string, pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: url.hostname, port: url.port, path: pathAndQuery, headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** Records every engine event from now on, so a job that ends before its reply arrives is not missed. */
function recordEvents(engine: EngineClient): { events: EngineEvent[]; ended(jobId: string): Promise<EngineEvent>; stop(): void } {
  const events: EngineEvent[] = [];
  const stop = engine.onEvent((event) => events.push(event));
  return {
    events,
    stop,
    async ended(jobId) {
      for (let waited = 0; waited < 30_000; waited += 20) {
        const end = events.find((event) => event.jobId === jobId && (event.type === 'done' || event.type === 'error' || event.type === 'cancelled'));
        if (end) return end;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`job ${jobId} did not end within 30 s`);
    },
  };
}

function postJson(base: string, name: string, params: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/api/request/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(params) });
}

describe('browser mode: UI, typed requests and events over HTTP + WebSocket', () => {
  let engine: EngineClient;
  let api: HttpApi;
  const outputDir = mkdtempSync(path.join(tmpdir(), 'browser-mode-out-'));
  const rendererDir = mkdtempSync(path.join(tmpdir(), 'browser-mode-ui-'));
  const registry = createNodeRegistry();

  before(async () => {
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>ui</title>');
    mkdirSync(path.join(rendererDir, 'assets'));
    writeFileSync(path.join(rendererDir, 'assets', 'main-abc123.js'), 'export {};');
    writeFileSync(path.join(path.dirname(rendererDir), 'outside-ui.txt'), 'secret');
    engine = await EngineClient.start();
    api = await startHttpApi({ engine, outputDir, host: '127.0.0.1', port: 0, rendererDir });
  });
  after(async () => {
    await api.close();
    await engine.close();
  });

  test('serves the built UI at / and its assets, and nothing outside its folder', async () => {
    const index = await fetch(`${api.url}/`);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    assert.match(await index.text(), /<title>ui<\/title>/);
    const asset = await fetch(`${api.url}/assets/main-abc123.js`);
    assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    for (const escape of ['/../outside-ui.txt', '/%2e%2e/outside-ui.txt', '/assets/..%2f..%2foutside-ui.txt']) {
      const response = await rawGet(api.url, escape);
      assert.equal(response.status, 404, escape);
      assert.doesNotMatch(response.body, /secret/);
    }
  });

  test('the typed endpoint answers the channel map; the host, not the page, picks the output folder', async () => {
    const schemas = (await (await postJson(api.url, 'nodeSchemas', {})).json()) as Array<{ type: string }>;
    assert.ok(schemas.some((schema) => schema.type === 'Sampler'));
    const graph = new WorkflowBuilder(registry);
    graph.add('PrimitiveString', { value: 'typed' });
    graph.add('SaveText', { filename_prefix: 'typed' });
    graph.connect(1, 0, 2, 'text');
    const recorder = recordEvents(engine);
    const queued = (await (await postJson(api.url, 'enqueue', { workflow: graph.build(), options: { label: 'typed.json' } })).json()) as { ok: boolean; jobId: string };
    assert.equal(queued.ok, true);
    const end = await recorder.ended(queued.jobId);
    recorder.stop();
    assert.equal(end.type, 'done');
    assert.ok(readdirSync(outputDir).some((name) => name.startsWith('typed')));
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'not-here-'));
    const refused = await postJson(api.url, 'enqueue', { workflow: graph.build(), options: { outputDir: elsewhere } });
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as { error: string }).error, /outputDir/);
  });

  test('loadWorkflow normalises a file for the canvas without running it', async () => {
    const loaded = (await (await postJson(api.url, 'loadWorkflow', { workflow: defaultWorkflow() })).json()) as { ok: boolean; workflow: { nodes: unknown[] } };
    assert.equal(loaded.ok, true);
    assert.equal(loaded.workflow.nodes.length, 7);
    const broken = (await (await postJson(api.url, 'loadWorkflow', { workflow: [1, 2] })).json()) as { ok: boolean; issues: Array<{ code: string }> };
    assert.deepEqual(broken, { ok: false, issues: [{ code: 'invalid_workflow', message: 'a workflow must be a JSON object, got an array' }] });
  });

  test('malformed requests are refused with a status that says why', async () => {
    assert.equal((await postJson(api.url, 'shutdown', {})).status, 404);
    assert.equal((await postJson(api.url, 'history', { limit: -3 })).status, 400);
    const plain = await fetch(`${api.url}/api/request/queue`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    assert.equal(plain.status, 415);
  });

  test('engine events reach every WebSocket on /api/events', async () => {
    const socket = new WebSocket(`${api.url.replace('http', 'ws')}/api/events`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const events: EngineEvent[] = [];
    socket.on('message', (data) => events.push(JSON.parse(String(data)) as EngineEvent));
    const graph = new WorkflowBuilder(registry);
    graph.add('PrimitiveString', { value: 'over the socket' });
    graph.add('ShowText');
    graph.connect(1, 0, 2, 'text');
    const recorder = recordEvents(engine);
    const queued = (await (await postJson(api.url, 'enqueue', { workflow: graph.build() })).json()) as { jobId: string };
    await recorder.ended(queued.jobId);
    recorder.stop();
    // The socket forwards the same events; give the last one time to cross it.
    for (let waited = 0; waited < 5000 && !events.some((event) => event.type === 'done' && event.jobId === queued.jobId); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    socket.close();
    const mine = events.filter((event) => event.jobId === queued.jobId).map((event) => event.type);
    assert.deepEqual(mine.slice(0, 3), ['queued', 'started', 'cached']);
    assert.equal(mine.at(-1), 'done');
    assert.deepEqual(events.find((event) => event.type === 'output' && event.jobId === queued.jobId), { type: 'output', jobId: queued.jobId, nodeId: '2', ui: { text: ['over the socket'] } });
  });

  test('other web origins and non-loopback host names are refused (cross-site requests, DNS rebinding)', async () => {
    assert.equal((await postJson(api.url, 'queue', {}, { origin: 'http://evil.example' })).status, 403);
    assert.equal((await postJson(api.url, 'queue', {}, { origin: api.url })).status, 200);
    assert.equal((await fetch(`${api.url}/prompt`, { method: 'POST', headers: { origin: 'http://evil.example' }, body: '{}' })).status, 403);
    const port = new URL(api.url).port;
    assert.equal((await rawGet(api.url, '/queue', { host: `evil.example:${port}` })).status, 403);
    assert.equal((await rawGet(api.url, '/queue', { host: `localhost:${port}` })).status, 200);
    for (const socketPath of ['/api/events', '/ws']) {
      const socket = new WebSocket(`${api.url.replace('http', 'ws')}${socketPath}`, { origin: 'http://evil.example' });
      const outcome = await new Promise<string>((resolve) => {
        socket.once('open', () => resolve('open'));
        socket.once('unexpected-response', (_request, response) => resolve(`refused ${response.statusCode}`));
        socket.once('error', () => resolve('error'));
      });
      socket.terminate();
      assert.equal(outcome, 'refused 401', socketPath);
    }
  });
});
