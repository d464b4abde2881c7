import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bridgeEngine, type BridgeHost } from '../../app/electron/engine-bridge.js';
import { EngineClient } from '../../app/engine/engine-client.js';
import type { EngineEvent } from '../../app/protocol/index.js';
import { createNodeRegistry } from '../../nodes/index.js';
import { WorkflowBuilder } from '../support/workflow-builder.js';

/** Electron's ipcMain/webContents replaced at exactly the boundary the bridge uses; the engine is real. */
class RecordingHost implements BridgeHost {
  handlers = new Map<string, (payload: unknown) => Promise<unknown>>();
  sent: Array<{ channel: string; event: EngineEvent }> = [];
  handle(channel: string, handler: (payload: unknown) => Promise<unknown>) {
    this.handlers.set(channel, handler);
  }
  broadcast(channel: string, event: EngineEvent) {
    this.sent.push({ channel, event });
  }
}

describe('Electron engine bridge', () => {
  let engine: EngineClient;
  const host = new RecordingHost();
  before(async () => {
    engine = await EngineClient.start();
    bridgeEngine(engine, host, { request: 'engine:request', event: 'engine:event' });
  });
  after(() => engine.close());

  test('a renderer request reaches the engine and its events come back on the event channel', async () => {
    const graph = new WorkflowBuilder(createNodeRegistry());
    graph.add('PrimitiveString', { value: 'from the renderer' });
    graph.add('ShowText');
    graph.connect(1, 0, 2, 'text');
    const invoke = host.handlers.get('engine:request')!;
    const outputDir = mkdtempSync(path.join(tmpdir(), 'bridge-'));
    const queued = (await invoke({ name: 'enqueue', params: { workflow: graph.build(), options: { outputDir } } })) as { ok: boolean; jobId: string };
    assert.equal(queued.ok, true);
    await engine.waitForJob(queued.jobId);
    const output = host.sent.find(({ event }) => event.type === 'output' && event.jobId === queued.jobId);
    assert.equal(output?.channel, 'engine:event');
    assert.deepEqual(output?.event.type === 'output' && output.event.ui, { text: ['from the renderer'] });
  });

  test('malformed messages from the renderer are refused before they reach the engine', async () => {
    const invoke = host.handlers.get('engine:request')!;
    await assert.rejects(invoke({ name: 'shutdown', params: {} }), /malformed engine request/);
    await assert.rejects(invoke('enqueue'), /malformed engine request/);
    await assert.rejects(invoke({ name: 'history', params: { limit: -3 } }), /bad parameters for "history"/);
  });
});
