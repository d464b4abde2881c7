import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';
import { GraphBuilder } from '../../app/onnx/graph-builder.js';
import { serializeModel } from '../../app/onnx/model-io.js';
import * as op from '../../app/onnx/ops.js';
import { fromFloat16, toFloat16 } from '../../app/runtime/float16.js';
import type { HostTensor } from '../../app/runtime/host-tensor.js';
import { openSession, type ModelSession } from '../../app/runtime/session.js';

process.env.XDG_RUNTIME_DIR ||= '/tmp';

/** sample [batch, 2, 3] float32 and step [1] int64 -> out = sample * step (float32), half = fp16 copy. */
function buildModel(): Uint8Array {
  const g = new GraphBuilder({ graphName: 'feeds' });
  const sample = g.input('sample', 'float32', ['batch', 2, 3]);
  const step = g.input('step', 'int64', [1]);
  const out = op.mul(g, sample, op.cast(g, step, { to: 'float32' }));
  g.output(out, 'out', 'float32', ['batch', 2, 3]);
  g.output(op.cast(g, out, { to: 'float16' }), 'half', 'float16', ['batch', 2, 3]);
  return serializeModel(g.build());
}

const sample = (batch: number): HostTensor => ({ type: 'float32', dims: [batch, 2, 3], data: Float32Array.from({ length: batch * 6 }, (_, i) => i - 2.5) });
const step: HostTensor = { type: 'int64', dims: [1], data: BigInt64Array.of(3n) };

describe('ModelSession', () => {
  let session: ModelSession;
  before(async () => {
    session = await openSession(buildModel(), { executionProvider: 'cpu' });
  });
  after(() => session.release());

  test('exposes input/output names and metadata with symbolic dims', () => {
    assert.deepEqual(session.inputNames, ['sample', 'step']);
    assert.deepEqual(session.outputNames, ['out', 'half']);
    assert.deepEqual(session.inputMetadata, [
      { name: 'sample', type: 'float32', shape: ['batch', 2, 3] },
      { name: 'step', type: 'int64', shape: [1] },
    ]);
  });

  test('runs with any size for a symbolic dim and returns HostTensors (float16 as bits)', async () => {
    for (const batch of [1, 2]) {
      const out = await session.run({ sample: sample(batch), step });
      const expected = Array.from(sample(batch).data as Float32Array, (value) => value * 3);
      assert.deepEqual(out.out, { type: 'float32', dims: [batch, 2, 3], data: Float32Array.from(expected) });
      assert.equal(out.half!.type, 'float16');
      assert.deepEqual(fromFloat16(out.half!.data as Uint16Array), fromFloat16(toFloat16(Float32Array.from(expected))));
    }
  });

  const badFeeds: Array<[string, Record<string, HostTensor>, RegExp]> = [
    ['missing input', { sample: sample(1) }, /input 'step' \(int64 \[1\]\) was not given/],
    ['unknown input', { sample: sample(1), step, timestep: step }, /no input named 'timestep'; the model's inputs are sample, step/],
    ['wrong type', { sample: sample(1), step: { type: 'int32', dims: [1], data: Int32Array.of(3) } }, /input 'step' expects int64 but got int32/],
    ['wrong rank', { sample: { type: 'float32', dims: [6], data: new Float32Array(6) }, step }, /input 'sample' expects rank 3 \[batch, 2, 3\] but got dims \[6\]/],
    ['wrong fixed dim', { sample: { type: 'float32', dims: [1, 3, 2], data: new Float32Array(6) }, step }, /input 'sample' expects dims \[batch, 2, 3\] but got \[1, 3, 2\] \(axis 1 must be 2\)/],
    ['data shorter than dims', { sample: { type: 'float32', dims: [2, 2, 3], data: new Float32Array(6) }, step }, /input 'sample': dims \[2, 2, 3\] hold 12 elements but the data has 6/],
    ['array class not matching type', { sample: { type: 'float32', dims: [1, 2, 3], data: new Uint16Array(6) }, step }, /input 'sample': type float32 needs a Float32Array, got Uint16Array/],
  ];
  for (const [what, feeds, message] of badFeeds) {
    test(`feed check: ${what}`, async () => {
      await assert.rejects(session.run(feeds), (error: unknown) => error instanceof UserFacingError && message.test(error.message) && error.message.startsWith('<in-memory model'));
    });
  }

  test('run after release is an error; release twice is harmless', async () => {
    const own = await openSession(buildModel(), { executionProvider: 'cpu' });
    await own.release();
    await own.release();
    await assert.rejects(own.run({ sample: sample(1), step }), Error);
  });
});

describe('openSession errors', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'session-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('an execution provider this build lacks is named, with what is available', async () => {
    await assert.rejects(openSession(buildModel(), { executionProvider: 'coreml' }), (error: unknown) =>
      error instanceof UserFacingError && /'coreml' is not available: this onnxruntime-node build offers cpu, .*webgpu/.test(error.message));
  });

  test('a listed but uninstalled execution provider (cuda here) fails clearly, not with a crash', async (t) => {
    const hasCudaLibrary = await openSession(buildModel(), { executionProvider: 'cuda' }).then(
      async (created) => { await created.release(); return true; },
      (error: unknown) => {
        assert.ok(error instanceof UserFacingError, String(error));
        assert.match(error.message, /'cuda' is not available/);
        return false;
      },
    );
    if (hasCudaLibrary) t.diagnostic('CUDA EP is installed on this machine; the session opened');
  });

  test('the same model runs on WebGPU with the same results', async () => {
    const gpu = await openSession(buildModel(), { executionProvider: 'webgpu' });
    const out = await gpu.run({ sample: sample(2), step });
    await gpu.release();
    assert.deepEqual(Array.from(out.out!.data as Float32Array), Array.from(sample(2).data as Float32Array, (value) => value * 3));
  });

  test('missing and corrupt model files are named in the error', async () => {
    await assert.rejects(openSession(join(dir, 'none.onnx'), { executionProvider: 'cpu' }), (error: unknown) =>
      error instanceof UserFacingError && error.message === `${join(dir, 'none.onnx')}: model file not found`);
    const corrupt = join(dir, 'corrupt.onnx');
    await writeFile(corrupt, buildModel().subarray(0, 40));
    await assert.rejects(openSession(corrupt, { executionProvider: 'cpu' }), (error: unknown) =>
      error instanceof UserFacingError && error.message.startsWith(`${corrupt}: ONNX Runtime could not load the model on cpu`));
  });
});
