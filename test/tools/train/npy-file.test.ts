import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, writeNpy } from '../../../tools/train/npy-file.js';

test('writeNpy writes a 64-byte-aligned v1.0 header and readNpy reads the array back', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'npy-'));
  try {
    const path = join(folder, 'ids.npy');
    const ids = Int32Array.from([1, -2, 3, 40000, 5, 6]);
    await writeNpy(path, '<i4', [2, 3], ids);
    const bytes = await readFile(path);
    const headerLength = bytes.readUInt16LE(8);
    // numpy/lib/format.py: magic + version + length + header is a multiple of 64, header ends in "\n".
    assert.equal((10 + headerLength) % 64, 0);
    assert.equal(bytes[10 + headerLength - 1], 0x0a);
    assert.equal(bytes.length, 10 + headerLength + ids.byteLength);
    const back = await readNpy(path);
    assert.deepEqual(back.shape, [2, 3]);
    assert.deepEqual(Array.from(back.data), Array.from(ids));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test('writeNpy refuses data that does not fill the shape', async () => {
  await assert.rejects(writeNpy(join(tmpdir(), 'never.npy'), '|u1', [2, 2], new Uint8Array(3)), /4 expected/);
});
