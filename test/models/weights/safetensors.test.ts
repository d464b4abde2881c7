import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSafetensors } from '../../../app/models/weights/safetensors-file.js';
import { writeSafetensors } from '../../../app/models/weights/safetensors-writer.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

let directory: string;
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'safetensors-test-'));
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Builds a file byte by byte as the format README describes, independently of writeSafetensors. */
function handMadeFile(header: unknown, data: Uint8Array, headerOverride?: string): Uint8Array {
  const json = new TextEncoder().encode(headerOverride ?? JSON.stringify(header));
  const file = new Uint8Array(8 + json.length + data.length);
  new DataView(file.buffer).setBigUint64(0, BigInt(json.length), true);
  file.set(json, 8);
  file.set(data, 8 + json.length);
  return file;
}

async function writeBytes(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, bytes);
  return path;
}

async function expectFormatError(bytes: Uint8Array, pattern: RegExp): Promise<void> {
  const path = await writeBytes(`bad-${Math.random().toString(36).slice(2)}.safetensors`, bytes);
  await assert.rejects(openSafetensors(path), (error: unknown) => {
    assert.ok(error instanceof UserFacingError, String(error));
    assert.match(error.message, pattern);
    assert.ok(error.message.includes(path), 'the message names the file');
    return true;
  });
}

describe('writeSafetensors → openSafetensors round trip', () => {
  test('F32 values come back bit-exact, F16 values rounded to half precision; metadata survives', async () => {
    const path = join(directory, 'round-trip.safetensors');
    const f32 = new Float32Array([1.5, -2.25, 3.1415927, 1e-30, -0, 65519]);
    const f16 = new Float32Array([0.5, -2, 1 / 1024, 65504, 0.1, -3.3333]);
    await writeSafetensors(
      path,
      { 'a.weight': { dtype: 'F32', shape: [2, 3], data: f32 }, 'b.bias': { dtype: 'F16', shape: [6], data: f16 }, empty: { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) } },
      { format: 'pt', producer: 'test' },
    );
    const file = await openSafetensors(path);
    try {
      // F32 before F16 (then by name), so every tensor starts aligned to its element size.
      assert.deepEqual(file.tensorNames(), ['a.weight', 'empty', 'b.bias']);
      for (const name of file.tensorNames()) assert.equal(file.info(name)!.begin % (file.info(name)!.dtype === 'F32' ? 4 : 2), 0, name);
      assert.deepEqual(file.metadata, { format: 'pt', producer: 'test' });
      assert.deepEqual(file.info('a.weight')?.shape, [2, 3]);
      assert.deepEqual(file.readSync('a.weight'), f32);
      assert.deepEqual(await file.read('a.weight'), f32);
      const half = file.readSync('b.bias');
      assert.deepEqual([...half.subarray(0, 4)], [0.5, -2, 1 / 1024, 65504]); // exactly representable in binary16
      // 0.1 and -3.3333 are not: binary16 has 11 significant bits, so the error is at most 2^-11 relative.
      for (const i of [4, 5]) assert.ok(Math.abs(half[i]! - f16[i]!) <= Math.abs(f16[i]!) * 2 ** -11, `element ${i}: ${half[i]}`);
      assert.equal(file.readSync('empty').length, 0);
    } finally {
      await file.close();
    }
    const bytes = await readFile(path);
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    assert.equal((8 + headerLength) % 8, 0, 'the byte buffer starts 8-byte aligned');
    const headerText = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    assert.match(headerText, /^\{.*\} {0,7}$/s, 'the JSON is followed by at most 7 padding spaces');
  });

  test('BF16 written by hand decodes to the float32 values whose top 16 bits it holds', async () => {
    // bf16 bit patterns: 1.0 = 0x3F80, -2.0 = 0xC000, 0.15625 = 0x3E20, 3.140625 = 0x4049, smallest normal 2^-126 = 0x0080
    const patterns = [0x3f80, 0xc000, 0x3e20, 0x4049, 0x0080, 0x7f80];
    const data = new Uint8Array(patterns.length * 2);
    patterns.forEach((bits, i) => new DataView(data.buffer).setUint16(2 * i, bits, true));
    const path = await writeBytes('bf16.safetensors', handMadeFile({ w: { dtype: 'BF16', shape: [3, 2], data_offsets: [0, data.length] } }, data));
    const file = await openSafetensors(path);
    try {
      assert.deepEqual([...file.readSync('w')], [1, -2, 0.15625, 3.140625, 2 ** -126, Infinity]);
    } finally {
      await file.close();
    }
  });

  test('a hand-made F32 file with header padding and metadata is read as the README describes', async () => {
    const data = new Uint8Array(new Float32Array([7, 8, 9]).buffer);
    const header = { __metadata__: { format: 'pt' }, t: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } };
    const path = await writeBytes('padded.safetensors', handMadeFile(header, data, `${JSON.stringify(header)}     `));
    const file = await openSafetensors(path);
    try {
      assert.deepEqual([...file.readSync('t')], [7, 8, 9]);
      assert.deepEqual(file.metadata, { format: 'pt' });
    } finally {
      await file.close();
    }
  });

  test('reads are lazy: tensor bytes are read when asked for, not when the file is opened', async () => {
    const path = join(directory, 'lazy.safetensors');
    await writeSafetensors(path, { first: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) }, second: { dtype: 'F32', shape: [2], data: new Float32Array([3, 4]) } });
    const file = await openSafetensors(path);
    try {
      // Overwrite the last 8 bytes ("second") on disk after opening: a lazy reader sees the new values.
      const size = (await readFile(path)).length;
      const writer = await open(path, 'r+');
      await writer.write(new Uint8Array(new Float32Array([30, 40]).buffer), 0, 8, size - 8);
      await writer.close();
      assert.deepEqual([...file.readSync('second')], [30, 40]);
      assert.deepEqual([...file.readSync('first')], [1, 2]);
    } finally {
      await file.close();
    }
  });

  test('a tensor larger than one 16 MiB read chunk arrives whole (sync and async), after a small one', async () => {
    const path = join(directory, 'chunked.safetensors');
    const big = new Float32Array(5_000_001).map((_, i) => (i % 1000) - 500 + i / 1e7);
    await writeSafetensors(path, { small: { dtype: 'F16', shape: [3], data: new Float32Array([1, 2, 3]) }, big: { dtype: 'F32', shape: [5_000_001], data: big } });
    const file = await openSafetensors(path);
    try {
      assert.deepEqual(file.readSync('big'), big);
      assert.deepEqual(await file.read('big'), big);
    } finally {
      await file.close();
    }
  });

  test('reading an integer tensor as float is refused with its dtype named', async () => {
    const data = new Uint8Array(16);
    const path = await writeBytes('ids.safetensors', handMadeFile({ 'text_model.embeddings.position_ids': { dtype: 'I64', shape: [1, 2], data_offsets: [0, 16] } }, data));
    const file = await openSafetensors(path);
    try {
      assert.throws(() => file.readSync('text_model.embeddings.position_ids'), /is I64; only F32, F16 and BF16/);
      assert.throws(() => file.readSync('nope'), /has no tensor "nope"/);
    } finally {
      await file.close();
    }
  });
});

describe('openSafetensors rejects broken files with a UserFacingError naming the file', () => {
  const eightFloats = new Uint8Array(32);
  const valid = { t: { dtype: 'F32', shape: [8], data_offsets: [0, 32] } };

  test('a file shorter than the 8-byte length prefix', () => expectFormatError(new Uint8Array(5), /fewer than the 8-byte header length/));

  test('a truncated file: the data section ends before the last tensor', () =>
    expectFormatError(handMadeFile(valid, eightFloats).subarray(0, -4), /run past the 28-byte data section \(truncated\?\)/));

  test('a header length that runs past the end of the file', () => {
    const bytes = handMadeFile(valid, eightFloats);
    new DataView(bytes.buffer).setBigUint64(0, 10_000n, true);
    return expectFormatError(bytes, /header length 10000 runs past the end/);
  });

  test('a header length above the 100 MB limit', () => {
    const bytes = handMadeFile(valid, eightFloats);
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 40n, true);
    return expectFormatError(bytes, /exceeds the 100000000-byte limit/);
  });

  test('header JSON that does not parse', () => expectFormatError(handMadeFile(null, eightFloats, '{"t": {"dtype": "F32",'), /not valid JSON/));

  test("a header that does not start with '{'", () => expectFormatError(handMadeFile(null, eightFloats, ' {}'), /does not start with '\{'/));

  test('data_offsets beyond the data section', () =>
    expectFormatError(
      handMadeFile({ a: { dtype: 'F32', shape: [8], data_offsets: [0, 32] }, b: { dtype: 'F32', shape: [8], data_offsets: [32, 64] } }, eightFloats),
      /tensor "b" data_offsets \[32, 64\] run past the 32-byte data section/,
    ));

  test('a tensor that does not start at the beginning of the data section', () =>
    expectFormatError(handMadeFile({ t: { dtype: 'F32', shape: [4], data_offsets: [16, 32] } }, eightFloats), /leaves a gap after the header/));

  test('overlapping tensors', () =>
    expectFormatError(
      handMadeFile({ a: { dtype: 'F32', shape: [8], data_offsets: [0, 32] }, b: { dtype: 'F32', shape: [4], data_offsets: [16, 32] } }, eightFloats),
      /overlaps "a"|overlaps "b"/,
    ));

  test('bytes not covered by any tensor', () =>
    expectFormatError(handMadeFile({ t: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, eightFloats), /cover 16 of the 32 data bytes/));

  test('shape × dtype size different from the byte range', () =>
    expectFormatError(handMadeFile({ t: { dtype: 'F16', shape: [8], data_offsets: [0, 32] } }, eightFloats), /needs 16 bytes but data_offsets \[0, 32\] hold 32/));

  test('an unknown dtype and a malformed shape', async () => {
    await expectFormatError(handMadeFile({ t: { dtype: 'F17', shape: [8], data_offsets: [0, 32] } }, eightFloats), /unknown dtype "F17"/);
    await expectFormatError(handMadeFile({ t: { dtype: 'F32', shape: [8.5], data_offsets: [0, 32] } }, eightFloats), /not a list of non-negative integers/);
  });
});

describe('writeSafetensors argument checks', () => {
  test('data length must match the shape', async () => {
    await assert.rejects(
      writeSafetensors(join(directory, 'x.safetensors'), { t: { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) } }),
      /tensor "t" has 3 values but shape \[2, 2\] needs 4/,
    );
  });
});
