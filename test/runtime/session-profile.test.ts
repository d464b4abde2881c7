import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { GraphBuilder } from '../../app/onnx/graph-builder.js';
import { serializeModel } from '../../app/onnx/model-codec.js';
import * as op from '../../app/onnx/ops.js';
import { openSession } from '../../app/runtime/session.js';
import { profileFileFor, readRunProfiles, runProfiles } from '../../app/runtime/session-profile.js';

const event = (cat: string, name: string, ts: number, dur: number, args: Record<string, string> = {}) => ({ cat, name, ts, dur, args });

test('a run\'s GPU time: kernels summed per op, idle time = wall minus the union of kernel intervals clipped to the run', () => {
  const [run] = runProfiles([
    event('Session', 'model_run', 100, 100),
    event('Session', 'SequentialExecutor::Execute', 101, 20),
    event('Session', 'SequentialExecutor::Execute', 105, 5),
    event('Node', '/a/Conv_kernel_time', 102, 3, { op_name: 'Conv' }),
    event('Node', '/If_kernel_time', 106, 1, { op_name: 'If' }),
    event('Node', 'Memcpy_kernel_time', 108, 1, { op_name: 'MemcpyToHost' }),
    event('Node', 'Memcpy_1_kernel_time', 109, 1, { op_name: 'MemcpyFromHost' }),
    event('Api', '/a/Conv&Conv&Transpose', 110, 20),
    event('Api', '/a/Conv&Conv&Conv2dMM', 120, 20),
    event('Api', '/b/Add&Add&Add', 190, 30),
    // another run's kernel and node
    event('Api', '/c&Mul&Mul', 300, 10),
    event('Node', '/c_kernel_time', 300, 1, { op_name: 'Mul' }),
    event('Session', 'model_run', 250, 100),
  ]);
  assert.ok(run);
  assert.equal(run.wallMs, 0.1);
  assert.equal(run.hostDispatchMs, 0.02);
  // kernels cover [110, 140) and [190, 200) of [100, 200): 40 µs busy, 60 µs idle
  assert.ok(Math.abs(run.gpuIdleMs - 0.06) < 1e-12);
  assert.ok(Math.abs(run.gpuKernelMs - 0.07) < 1e-12);
  assert.deepEqual([...run.gpuByOp].map(([opType, ms]) => [opType, Math.round(ms * 1000)]), [['Conv', 40], ['Add', 30]]);
  assert.ok(Math.abs(run.weightTransposeMs - 0.02) < 1e-12);
  assert.equal(run.nodesRun, 4);
  assert.equal(run.controlFlowNodesRun, 1);
  assert.equal(run.deviceToHostCopies, 1);
});

test('a real CPU session profile splits into one entry per run, each with every node of the graph', async () => {
  const g = new GraphBuilder({ graphName: 'three' });
  const x = g.input('x', 'float32', [4]);
  g.output(op.relu(g, op.mul(g, op.add(g, x, x), x)), 'y', 'float32', [4]);
  const prefix = path.join(mkdtempSync(path.join(tmpdir(), 'scalecrafter-profile-')), 'three');
  const session = await openSession(serializeModel(g.build()), { executionProvider: 'cpu', profileFilePrefix: prefix });
  for (let i = 0; i < 3; i++) await session.run({ x: { type: 'float32', data: Float32Array.of(1, -2, 3, -4), dims: [4] } });
  await session.release();
  const runs = readRunProfiles(profileFileFor(prefix));
  assert.equal(runs.length, 3);
  for (const run of runs) {
    assert.equal(run.nodesRun, 3);
    assert.equal(run.gpuKernelMs, 0);
    assert.equal(run.gpuIdleMs, 0);
    assert.ok(run.wallMs > 0 && run.hostDispatchMs <= run.wallMs);
  }
});

test('profileFileFor names the prefix when ONNX Runtime wrote nothing', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'scalecrafter-profile-'));
  assert.throws(() => profileFileFor(path.join(dir, 'none')), /no ONNX Runtime profile for .*none/);
});
