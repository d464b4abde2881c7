import assert from 'node:assert/strict';
import { mkdir, mkdtemp, open, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EXTERNAL_DATA_ALIGNMENT, externalDataInfo, isExternal } from '../../app/onnx/external-data.js';
import { GraphBuilder } from '../../app/onnx/graph-builder.js';
import type { OnnxModel } from '../../app/onnx/model.js';
import { parseModel, readModel, serializeModel, serializeWithExternalData, writeModel } from '../../app/onnx/model-io.js';
import * as op from '../../app/onnx/ops.js';
import { readTensorValues, withExternalData } from '../../app/onnx/tensor-data.js';
import type { HostTensor } from '../../app/runtime/host-tensor.js';
import { openSession, type OpenSessionOptions } from '../../app/runtime/session.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

const INT64_MAX = 9223372036854775807n;
const INPUT: HostTensor = { type: 'float32', dims: [1, 3, 6, 6], data: Float32Array.from({ length: 108 }, (_, i) => Math.sin(i)) };

/**
 * conv 3 -> 16 channels (weight 16*3*3*3 floats = 1728 bytes: above the 1 KiB threshold),
 * bias (64 bytes: stays inline), then a Slice whose end is INT64_MAX (torch's "to the end"),
 * a MatMul with a 6x6 weight (144 bytes) and an fp16 initializer (16*2 bytes).
 */
function buildModel(): OnnxModel {
  const g = new GraphBuilder({ graphName: 'io-test' });
  const x = g.input('x', 'float32', ['batch', 3, 6, 6]);
  const weight = g.initializer('conv.weight', 'float32', [16, 3, 3, 3], Float32Array.from({ length: 432 }, (_, i) => Math.cos(i) * 0.2));
  const bias = g.initializer('conv.bias', 'float32', [16], Float32Array.from({ length: 16 }, (_, i) => i / 16));
  const conv = g.withScope('conv', () => op.conv(g, x, weight, bias, { pads: [1, 1, 1, 1] }));
  const sliced = op.slice(g, conv, op.constantInt64(g, [2]), op.constantInt64(g, [INT64_MAX]), op.constantInt64(g, [2]), null);
  const mixed = op.matMul(g, sliced, g.initializer('mix', 'float32', [6, 6], Float32Array.from({ length: 36 }, (_, i) => (i % 7) - 3)));
  const halfScale = g.initializer('half.scale', 'float16', [16, 1, 1], Float32Array.from({ length: 16 }, (_, i) => 1 + i / 8));
  const scaled = op.mul(g, op.cast(g, mixed, { to: 'float16' }), halfScale);
  g.output(op.cast(g, scaled, { to: 'float32' }), 'y', 'float32', ['batch', 16, 4, 6]);
  return g.build({ metadata: { 'test.key': 'value' } });
}

async function runModel(model: string | Uint8Array, extra: Partial<OpenSessionOptions> = {}): Promise<Float32Array> {
  const session = await openSession(model, { executionProvider: 'cpu', ...extra });
  try {
    return (await session.run({ x: INPUT })).y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('model-io', () => {
  let dir: string;
  let original: OnnxModel;
  let expected: Float32Array;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onnx-io-'));
    original = buildModel();
    expected = await runModel(serializeModel(original));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('inline write -> read -> serialize gives the identical bytes, and ORT output is unchanged', async () => {
    const path = join(dir, 'inline', 'model.onnx');
    await mkdir(join(dir, 'inline'));
    const result = await writeModel(original, path);
    assert.equal(result.externalTensorCount, 0);
    const onDisk = await readFile(path);
    const read = await readModel(path);
    assert.ok(Buffer.from(serializeModel(read)).equals(onDisk), 'byte-identical re-serialization');
    assert.equal(read.graph.node.length, original.graph.node.length);
    assert.deepEqual(read.metadataProps, [{ key: 'test.key', value: 'value' }]);
    const slice = read.graph.node.find((node) => node.opType === 'Slice')!;
    const sliceEnd = read.graph.node.find((node) => node.output[0] === slice.input[2])!.attribute[0]!.t!;
    assert.deepEqual(await readTensorValues(sliceEnd), BigInt64Array.of(INT64_MAX));
    assert.deepEqual(await runModel(path), expected);
  });

  for (const sidecar of ['model.onnx_data', 'weights.pb'] as const) {
    test(`external data in ${sidecar}: only initializers >= threshold move, ORT loads it by path`, async () => {
      const folder = join(dir, sidecar.replace('.', '_'));
      await mkdir(folder);
      const path = join(folder, 'model.onnx');
      const result = await writeModel(original, path, { externalData: sidecar });
      assert.equal(result.externalDataPath, join(folder, sidecar));
      const read = await readModel(path);
      const stored = new Map(read.graph.initializer.map((tensor) => [tensor.name, tensor]));
      assert.ok(isExternal(stored.get('conv.weight')!), '1728-byte weight is external');
      for (const small of ['conv.bias', 'mix', 'half.scale']) assert.ok(!isExternal(stored.get(small)!), `${small} stays inline`);
      const info = externalDataInfo(stored.get('conv.weight')!);
      assert.deepEqual(info, { location: sidecar, offset: 0, length: 1728 });
      assert.equal(result.externalTensorCount, 1);
      const values = await readTensorValues(stored.get('conv.weight')!, { baseDirectory: read.externalDataDirectory! });
      const originalValues = await readTensorValues(original.graph.initializer[0]!);
      assert.deepEqual(values, originalValues);
      assert.deepEqual(await runModel(path), expected);
    });
  }

  test('a lower threshold externalizes several tensors at 4096-aligned offsets', async () => {
    const folder = await mkdtemp(join(dir, 'aligned-'));
    const path = join(folder, 'model.onnx');
    await writeModel(original, path, { externalData: 'model.onnx_data', sizeThreshold: 64 });
    const read = await readModel(path);
    const external = read.graph.initializer.filter(isExternal).map(externalDataInfo);
    assert.deepEqual(external.map((info) => info.length), [1728, 64, 144]);
    for (const info of external) assert.equal(info.offset % EXTERNAL_DATA_ALIGNMENT, 0);
    assert.deepEqual(await runModel(path), expected);
    // Read lazily, then written again elsewhere: bytes are copied sidecar to sidecar, and
    // inlined when no sidecar is asked for.
    const copied = join(folder, 'copy.onnx');
    await writeModel(read, copied, { externalData: 'weights.pb', chunkSize: 100 });
    assert.deepEqual(await runModel(copied), expected);
    const inlined = join(folder, 'inline.onnx');
    await writeModel(read, inlined, { chunkSize: 100 });
    assert.ok(!(await readModel(inlined)).graph.initializer.some(isExternal));
    assert.deepEqual(await runModel(inlined), expected);
  });

  test('rewriting a model in place over its own sidecar keeps it valid', async () => {
    const folder = await mkdtemp(join(dir, 'in-place-'));
    const path = join(folder, 'model.onnx');
    await writeModel(original, path, { externalData: 'model.onnx_data', sizeThreshold: 64 });
    const read = await readModel(path);
    read.graph.docString = 'rewritten';
    await writeModel(read, path, { externalData: 'model.onnx_data', sizeThreshold: 1000, chunkSize: 50 });
    const again = await readModel(path);
    assert.equal(again.graph.docString, 'rewritten');
    assert.equal(again.graph.initializer.filter(isExternal).length, 1);
    assert.deepEqual(await runModel(path), expected);
  });

  test("readModel with externalData 'load' inlines every tensor (chunked)", async () => {
    const folder = await mkdtemp(join(dir, 'load-'));
    const path = join(folder, 'model.onnx');
    await writeModel(original, path, { externalData: 'model.onnx_data', sizeThreshold: 64 });
    const loaded = await readModel(path, { externalData: 'load', chunkSize: 13 });
    assert.ok(!loaded.graph.initializer.some(isExternal));
    for (const [index, tensor] of loaded.graph.initializer.entries()) {
      assert.deepEqual(await readTensorValues(tensor), await readTensorValues(original.graph.initializer[index]!), tensor.name);
    }
    assert.deepEqual(await runModel(serializeModel(loaded)), expected);
  });

  test('a sidecar beyond 2 GiB (sparse file) is read at its far offsets by us and by ORT', async () => {
    // Node cannot read more than 2 GiB in one call and a position beyond 2^31 breaks 32-bit
    // arithmetic; an SDXL UNet sidecar is ~5 GB. The sparse file costs no disk space.
    const folder = await mkdtemp(join(dir, 'far-'));
    const farOffset = 5 * 2 ** 30 + EXTERNAL_DATA_ALIGNMENT;
    const weight = original.graph.initializer.find((tensor) => tensor.name === 'conv.weight')!;
    const sidecar = await open(join(folder, 'model.onnx_data'), 'w');
    await sidecar.write(weight.rawData!, 0, weight.rawData!.byteLength, farOffset);
    await sidecar.close();
    const far = withExternalData(weight, 'model.onnx_data', farOffset, weight.rawData!.byteLength);
    const model = { ...original, graph: { ...original.graph, initializer: original.graph.initializer.map((tensor) => (tensor === weight ? far : tensor)) } };
    await writeFile(join(folder, 'model.onnx'), serializeModel(model));
    assert.ok((await stat(join(folder, 'model.onnx_data'))).size > 5 * 2 ** 30);
    const read = await readModel(join(folder, 'model.onnx'));
    assert.deepEqual(await readTensorValues(read.graph.initializer.find(isExternal)!, { baseDirectory: folder, chunkSize: 256 }), await readTensorValues(weight));
    assert.deepEqual(await runModel(join(folder, 'model.onnx')), expected);
    const compacted = join(folder, 'compact', 'model.onnx');
    await mkdir(join(folder, 'compact'));
    await writeModel(read, compacted, { externalData: 'model.onnx_data', chunkSize: 256 });
    assert.equal((await stat(join(folder, 'compact', 'model.onnx_data'))).size, weight.rawData!.byteLength);
    assert.deepEqual(await runModel(compacted), expected);
  });

  test('in-memory external data feeds an ORT session created from bytes', async () => {
    const { model, externalData } = await serializeWithExternalData(original, { sizeThreshold: 64 });
    assert.ok(parseModel(model).graph.initializer.filter(isExternal).length === 3);
    assert.deepEqual(await runModel(model, { externalData }), expected);
  });

  test('a truncated model.onnx fails with an error naming the file', async () => {
    const folder = await mkdtemp(join(dir, 'truncated-'));
    const path = join(folder, 'model.onnx');
    await writeModel(original, path);
    await truncate(path, Math.floor((await stat(path)).size / 2));
    await assert.rejects(readModel(path), (error: unknown) => error instanceof UserFacingError && error.message.includes(path) && /truncated or corrupt/.test(error.message));
    await assert.rejects(openSession(path, { executionProvider: 'cpu' }), (error: unknown) => error instanceof UserFacingError && error.message.includes(path));
    const garbage = join(folder, 'garbage.onnx');
    await writeFile(garbage, 'this is not a protobuf at all\n');
    await assert.rejects(readModel(garbage), (error: unknown) => error instanceof UserFacingError && error.message.startsWith(garbage));
    await assert.rejects(readModel(join(folder, 'missing.onnx')), /missing\.onnx: cannot read the model file/);
  });

  test('a truncated or missing sidecar fails naming the sidecar', async () => {
    const folder = await mkdtemp(join(dir, 'bad-sidecar-'));
    const path = join(folder, 'model.onnx');
    await writeModel(original, path, { externalData: 'weights.pb' });
    await truncate(join(folder, 'weights.pb'), 1000);
    const read = await readModel(path);
    const weight = read.graph.initializer.find(isExternal)!;
    await assert.rejects(readTensorValues(weight, { baseDirectory: folder }), (error: unknown) => error instanceof UserFacingError && error.message.includes(join(folder, 'weights.pb')) && /truncated/.test(error.message));
    await rm(join(folder, 'weights.pb'));
    await assert.rejects(readModel(path, { externalData: 'load' }), /weights\.pb cannot be opened/);
    await assert.rejects(readTensorValues(weight), /parsed from bytes/);
  });

  test('external data locations outside the model directory are refused', async () => {
    const weight = { ...original.graph.initializer[0]!, rawData: undefined, dataLocation: 1, externalData: [{ key: 'location', value: '../../etc/passwd' }] };
    await assert.rejects(readTensorValues(weight, { baseDirectory: dir }), /points outside the model's directory/);
  });

  test('int64 attribute values keep full precision through serialize/parse', () => {
    const g = new GraphBuilder({ graphName: 'ints' });
    const x = g.input('x', 'float32', [4]);
    g.output(op.identity(g, x), 'y', 'float32', [4]);
    g.node('Unused', [], { big: { ints: [INT64_MAX, -INT64_MAX - 1n, 3] } }, { domain: 'test.domain' });
    const back = parseModel(serializeModel(g.build()));
    const unused = back.graph.node.find((node) => node.opType === 'Unused')!;
    assert.deepEqual(unused.attribute[0]!.ints, [INT64_MAX, -INT64_MAX - 1n, 3n]);
    assert.equal(unused.domain, 'test.domain');
    assert.equal(back.graph.initializer.length, 0);
  });
});
