import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { EngineClient } from '../../app/engine/engine-client.js';
import { startHttpApi, type HttpApi } from '../../app/server/http-api.js';
import { ENGINE_EVENTS_PATH } from '../../app/server/event-socket.js';
import type { EngineEvent } from '../../app/protocol/index.js';
import { createNodeRegistry } from '../../nodes/index.js';
import { delayedText } from '../support/text-workflows.js';

const registry = createNodeRegistry();
const post = (api: HttpApi, name: string, params: unknown) =>
  fetch(`${api.url}/api/request/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });

describe('the server when its engine process is killed', () => {
  let engine: EngineClient;
  let api: HttpApi;
  before(async () => {
    engine = await EngineClient.start();
    api = await startHttpApi({ engine, outputDir: mkdtempSync(path.join(tmpdir(), 'restart-http-')), host: '127.0.0.1', port: 0, rendererDir: null });
  });
  after(async () => {
    await api.close();
    await engine.close();
  });

  test('keeps serving: the page\'s socket hears why the job failed and the next job runs', async () => {
    const socket = new WebSocket(`${api.url.replace('http', 'ws')}${ENGINE_EVENTS_PATH}`);
    const events: EngineEvent[] = [];
    socket.on('message', (data: Buffer) => events.push(JSON.parse(data.toString()) as EngineEvent));
    await new Promise((resolve) => socket.once('open', resolve));
    const until = async (found: () => boolean) => {
      for (let waited = 0; !found(); waited += 20) {
        assert.ok(waited < 30_000, 'timed out');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };

    const killed = (await (await post(api, 'enqueue', { workflow: delayedText(registry, 'killed', 30) })).json()) as { jobId: string };
    const next = (await (await post(api, 'enqueue', { workflow: delayedText(registry, 'next', 0) })).json()) as { jobId: string };
    await until(() => events.some((event) => event.type === 'progress' && event.jobId === killed.jobId));
    process.kill(engine.pid!, 'SIGKILL');

    await until(() => events.some((event) => event.type === 'done' && event.jobId === next.jobId));
    const failure = events.find((event) => event.type === 'error' && event.jobId === killed.jobId);
    assert.equal(failure?.type === 'error' && failure.failure.message, 'the engine process stopped (signal SIGKILL) while running node 2 (Delay)');
    assert.equal((await post(api, 'queue', {})).status, 200);
    socket.close();
  });
});
