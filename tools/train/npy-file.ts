/**
 * NumPy's .npy format (version 1.0, numpy/lib/format.py): "\x93NUMPY", version bytes, a little-endian
 * uint16 header length, a Python-literal dict padded with spaces to a multiple of 64 bytes and
 * ending in "\n", then the raw C-order data. numpy.load and torch read it without any other tool.
 */
import { readFile, writeFile } from 'node:fs/promises';

export type NpyType = '|u1' | '<i4';

export async function writeNpy(path: string, descr: NpyType, shape: readonly number[], data: Uint8Array | Int32Array): Promise<void> {
  const expected = shape.reduce((a, b) => a * b, 1);
  if (data.length !== expected) throw new Error(`${path}: ${data.length} values for shape [${shape.join(', ')}] (${expected} expected)`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const prefixLength = 10; // magic (6) + version (2) + header length (2)
  const padded = dict + ' '.repeat((64 - ((prefixLength + dict.length + 1) % 64)) % 64) + '\n';
  const header = Buffer.alloc(prefixLength + padded.length);
  header.write('\x93NUMPY', 0, 'latin1');
  header[6] = 1;
  header[7] = 0;
  header.writeUInt16LE(padded.length, 8);
  header.write(padded, prefixLength, 'latin1');
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  await writeFile(path, Buffer.concat([header, body]));
}

export interface NpyArray {
  readonly descr: string;
  readonly shape: number[];
  readonly data: Float32Array | Int32Array | Uint8Array;
}

/** Reads what writeNpy writes and what numpy.save writes for float32, int32 and uint8 C-order arrays. */
export async function readNpy(path: string): Promise<NpyArray> {
  const bytes = await readFile(path);
  if (bytes.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${path}: not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6]!;
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', start, start + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || shapeText === undefined || /'fortran_order':\s*True/.test(header)) {
    throw new Error(`${path}: header ${header.trim()} is not a C-order array this reader understands`);
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const body = bytes.subarray(start + headerLength);
  const copy = new Uint8Array(body).buffer; // a fresh, aligned buffer for the typed-array view
  switch (descr) {
    case '<f4': return { descr, shape, data: new Float32Array(copy) };
    case '<i4': return { descr, shape, data: new Int32Array(copy) };
    case '|u1': return { descr, shape, data: new Uint8Array(copy) };
    default: throw new Error(`${path}: dtype ${descr}; expected <f4, <i4 or |u1`);
  }
}
