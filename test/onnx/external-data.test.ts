import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EXTERNAL_DATA_ALIGNMENT, ExternalDataFileWriter, ExternalDataMemorySink, externalDataInfo, readExternalBytes } from '../../app/onnx/external-data.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

/** Bytes whose value depends on their position, so any misplaced chunk shows. */
const patterned = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + (i >> 8)) & 0xff);

describe('external data, chunked', () => {
  let dir: string;
  const content = patterned(10_000, 1);
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'external-data-'));
    await writeFile(join(dir, 'model.onnx_data'), content);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('reads a range with chunks smaller than it (7-byte chunks, unaligned offset)', async () => {
    const bytes = await readExternalBytes(join(dir, 'model.onnx_data'), 13, 1000, 7);
    assert.deepEqual(bytes, content.slice(13, 1013));
  });

  test('without a length it reads to the end of the file, chunk size not dividing it', async () => {
    const bytes = await readExternalBytes(join(dir, 'model.onnx_data'), 9_001, undefined, 64);
    assert.deepEqual(bytes, content.slice(9_001));
  });

  test('a range past the end names the file and says it is truncated', async () => {
    await assert.rejects(readExternalBytes(join(dir, 'model.onnx_data'), 9_990, 20, 7), (error: unknown) =>
      error instanceof UserFacingError && error.message.includes(join(dir, 'model.onnx_data')) && /truncated/.test(error.message));
  });

  test('the file writer aligns tensors to 4096 and copies ranges chunk by chunk', async () => {
    const path = join(dir, 'weights.pb');
    const writer = await ExternalDataFileWriter.create(path, 5);
    const first = patterned(100, 2);
    const a = await writer.append(first);
    const b = await writer.copyFrom(join(dir, 'model.onnx_data'), 17, 5_000);
    const c = await writer.append(new Uint8Array(0));
    await writer.close();
    assert.deepEqual([a, b], [{ offset: 0, length: 100 }, { offset: EXTERNAL_DATA_ALIGNMENT, length: 5_000 }]);
    assert.equal(c.offset % EXTERNAL_DATA_ALIGNMENT, 0);
    const written = await readFile(path);
    assert.deepEqual(new Uint8Array(written.subarray(0, 100)), first);
    assert.ok(written.subarray(100, EXTERNAL_DATA_ALIGNMENT).every((byte) => byte === 0), 'alignment padding is zero');
    assert.deepEqual(new Uint8Array(written.subarray(b.offset, b.offset + 5_000)), content.slice(17, 5_017));
  });

  test('the memory sink lays tensors out exactly like the file writer', async () => {
    const sink = new ExternalDataMemorySink(3);
    await sink.append(patterned(10, 3));
    const placed = await sink.copyFrom(join(dir, 'model.onnx_data'), 100, 50);
    assert.deepEqual(placed, { offset: EXTERNAL_DATA_ALIGNMENT, length: 50 });
    const contents = sink.contents();
    assert.equal(contents.byteLength, EXTERNAL_DATA_ALIGNMENT + 50);
    assert.deepEqual(contents.slice(placed.offset), content.slice(100, 150));
  });

  test('external_data entries are parsed and validated', () => {
    const tensor = (entries: Array<[string, string]>) => ({ name: 'w', dims: [2], dataType: 1, dataLocation: 1, externalData: entries.map(([key, value]) => ({ key, value })) });
    assert.deepEqual(externalDataInfo(tensor([['location', 'weights.pb'], ['offset', '4096'], ['length', '8']])), { location: 'weights.pb', offset: 4096, length: 8 });
    assert.deepEqual(externalDataInfo(tensor([['location', 'weights.pb']])), { location: 'weights.pb', offset: 0, length: undefined });
    assert.throws(() => externalDataInfo(tensor([['offset', '0']])), /tensor 'w' is marked EXTERNAL but has no external_data 'location'/);
    assert.throws(() => externalDataInfo(tensor([['location', 'x'], ['offset', '-5']])), /offset '-5' is not a byte count/);
  });
});
