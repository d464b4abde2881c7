import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bridgeEngine } from '../../app/electron/engine-bridge.js';
import type { IpcHost } from '../../app/electron/ipc-boundary.js';
import { EngineClient } from '../../app/engine/engine-client.js';
import { shellChannels, type EngineEvent } from '../../app/protocol/index.js';
import { createNodeRegistry } from '../../nodes/index.js';
import { WorkflowBuilder } from '../support/workflow-builder.js';

/** Electron's ipcMain/webContents replaced at exactly the boundary the bridge uses; the engine is real. */
class RecordingHost implements IpcHost {
  handlers = new Map<string, (payload: unknown) => Promise<unknown>>();
  sent: Array<{ channel: string; event: EngineEvent }> = [];
  handle(channel: string, handler: (payload: unknown) => Promise<unknown>) {
    this.handlers.set(channel, handler);
  }
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, event: payload as EngineEvent });
  }
  async ended(jobId: string): Promise<EngineEvent> {
    for (let waited = 0; waited < 30_000; waited += 20) {
      const end = this.sent.find(({ event }) => event.jobId === jobId && (event.type === 'done' || event.type === 'error'));
      if (end) return end.event;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`job ${jobId} did not end`);
  }
}

describe('Electron engine bridge', () => {
  let engine: EngineClient;
  const host = new RecordingHost();
  const outputDir = mkdtempSync(path.join(tmpdir(), 'bridge-out-'));
  before(async () => {
    engine = await EngineClient.start();
    bridgeEngine(engine, host, { outputDir });
  });
  after(() => engine.close());

  test('a renderer request reaches the engine and its events come back on the event channel', async () => {
    const graph = new WorkflowBuilder(createNodeRegistry());
    graph.add('PrimitiveString', { value: 'from the renderer' });
    graph.add('ShowText');
    graph.connect(1, 0, 2, 'text');
    const invoke = host.handlers.get(shellChannels.engineRequest.channel)!;
    const queued = (await invoke({ name: 'enqueue', params: { workflow: graph.build(), options: { label: 'ui' } } })) as { ok: boolean; jobId: string };
    assert.equal(queued.ok, true);
    assert.equal((await host.ended(queued.jobId)).type, 'done');
    const output = host.sent.find(({ event }) => event.type === 'output' && event.jobId === queued.jobId);
    assert.equal(output?.channel, shellChannels.engineEvent.channel);
    assert.deepEqual(output?.event.type === 'output' && output.event.ui, { text: ['from the renderer'] });
  });

  test('files go to the host\'s output folder; a page naming another folder is refused', async () => {
    const graph = new WorkflowBuilder(createNodeRegistry());
    graph.add('PrimitiveString', { value: 'saved' });
    graph.add('SaveText', { filename_prefix: 'bridge' });
    graph.connect(1, 0, 2, 'text');
    const invoke = host.handlers.get(shellChannels.engineRequest.channel)!;
    const queued = (await invoke({ name: 'enqueue', params: { workflow: graph.build() } })) as { jobId: string };
    await host.ended(queued.jobId);
    assert.ok(readdirSync(outputDir).some((name) => name.startsWith('bridge')));
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'bridge-elsewhere-'));
    await assert.rejects(invoke({ name: 'enqueue', params: { workflow: graph.build(), options: { outputDir: elsewhere } } }), /bad parameters for "enqueue"/);
    assert.deepEqual(readdirSync(elsewhere), []);
  });

  test('malformed messages from the renderer are refused before they reach the engine', async () => {
    const invoke = host.handlers.get(shellChannels.engineRequest.channel)!;
    await assert.rejects(invoke({ name: 'shutdown', params: {} }), /malformed engine request/);
    await assert.rejects(invoke('enqueue'), /malformed engine request/);
    await assert.rejects(invoke({ name: 'history', params: { limit: -3 } }), /bad parameters for "history"/);
  });
});
