import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { GraphBuilder } from '../../app/onnx/graph-builder.js';
import { writeModel } from '../../app/onnx/model-io.js';
import { add } from '../../app/onnx/ops.js';
import { SessionPool } from '../../app/runtime/session-pool.js';

async function writeAddModel(directory: string, name: string): Promise<string> {
  const graph = new GraphBuilder({ graphName: name });
  const x = graph.input('x', 'float32', [2]);
  const one = graph.initializer('one', 'float32', [2], new Float32Array([1, 1]));
  graph.output(add(graph, x, one), 'y', 'float32', [2]);
  const file = path.join(directory, `${name}.onnx`);
  await writeModel(graph.build(), file);
  return file;
}

const feeds = { x: { type: 'float32' as const, data: new Float32Array([1, 2]), dims: [2] } };

describe('session pool', () => {
  test('one session per model and provider, shared by leases', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pool-'));
    const model = await writeAddModel(dir, 'a');
    const pool = new SessionPool();
    const [first, second] = await Promise.all([pool.acquire(model, { executionProvider: 'cpu' }), pool.acquire(model, { executionProvider: 'cpu' })]);
    assert.equal(first.session, second.session);
    assert.equal(pool.openCount, 1);
    assert.deepEqual([...((await first.session.run(feeds)).y!.data as Float32Array)], [2, 3]);
    first.release();
    assert.equal(await pool.releaseIdle(), 0, 'still leased by the second user');
    second.release();
    assert.equal(await pool.releaseIdle(), 1);
    assert.equal(pool.openCount, 0);
    await assert.rejects(first.session.run(feeds), Error);
  });

  test('under memory pressure idle sessions are released, least recently used first', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pool-'));
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((name) => writeAddModel(dir, name)));
    let free = Number.MAX_SAFE_INTEGER;
    const pool = new SessionPool(() => free);
    (await pool.acquire(a!, { executionProvider: 'cpu' })).release();
    const heldB = await pool.acquire(b!, { executionProvider: 'cpu' });
    free = 0;
    await pool.acquire(c!, { executionProvider: 'cpu' });
    assert.equal(pool.isOpen(a!, 'cpu'), false, 'idle a was evicted');
    assert.equal(pool.isOpen(b!, 'cpu'), true, 'b is leased and must stay');
    assert.equal(pool.isOpen(c!, 'cpu'), true);
    heldB.release();
  });

  test('a failed open is not cached', async () => {
    const pool = new SessionPool();
    await assert.rejects(pool.acquire('/nonexistent/model.onnx', { executionProvider: 'cpu' }), /model file not found/);
    assert.equal(pool.openCount, 0);
  });
});
