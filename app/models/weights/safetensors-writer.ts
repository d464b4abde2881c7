/**
 * Writes a safetensors file (format: github.com/huggingface/safetensors README). Tensors are laid
 * out back to back; the JSON header is padded with spaces so the byte buffer starts 8-byte
 * aligned, as the format allows and the reference writer does. The file appears atomically: it
 * is written beside the target and renamed into place.
 */
import { open, rename, rm } from 'node:fs/promises';
import { toFloat16 } from '../../runtime/float16.js';
import { assertLittleEndianHost } from './safetensors-file.js';
import { METADATA_KEY } from './safetensors-header.js';
import { elementCount, formatShape } from './weight-source.js';

const DTYPE_BYTES = { F32: 4, F16: 2 } as const;

export interface TensorToWrite {
  dtype: 'F32' | 'F16';
  shape: number[];
  data: Float32Array;
}

export async function writeSafetensors(
  path: string,
  tensors: Record<string, TensorToWrite>,
  metadata?: Record<string, string>,
): Promise<void> {
  assertLittleEndianHost();
  // Larger dtypes first, then by name (as the reference Rust writer orders them): with an
  // 8-aligned data section every tensor then starts aligned to its element size, which readers
  // that map the file zero-copy need.
  const encoded = Object.entries(tensors)
    .map(([name, tensor]) => [name, encodeTensor(name, tensor)] as const)
    .sort(([nameA, a], [nameB, b]) => DTYPE_BYTES[b.tensor.dtype] - DTYPE_BYTES[a.tensor.dtype] || (nameA < nameB ? -1 : nameA > nameB ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header[METADATA_KEY] = checkedMetadata(metadata);
  let offset = 0;
  for (const [name, { tensor, bytes }] of encoded) {
    header[name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
  }
  const headerBytes = paddedHeader(JSON.stringify(header));
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(headerBytes.length), true);

  const temporaryPath = `${path}.${process.pid}.partial`;
  const handle = await open(temporaryPath, 'w');
  try {
    await handle.write(prefix);
    await handle.write(headerBytes);
    for (const [, { bytes }] of encoded) await handle.write(bytes);
    await handle.close();
    await rename(temporaryPath, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporaryPath, { force: true });
    throw error;
  }
}

function encodeTensor(name: string, tensor: TensorToWrite): { tensor: TensorToWrite; bytes: Uint8Array } {
  if (name.length === 0 || name === METADATA_KEY) throw new RangeError(`"${name}" cannot name a tensor in a safetensors file`);
  const count = elementCount(tensor.shape);
  if (tensor.data.length !== count) {
    throw new RangeError(`tensor "${name}" has ${tensor.data.length} values but shape ${formatShape(tensor.shape)} needs ${count}`);
  }
  if (tensor.dtype !== 'F16' && tensor.dtype !== 'F32') throw new RangeError(`tensor "${name}" has dtype ${String(tensor.dtype)}; write F32 or F16`);
  const typed = tensor.dtype === 'F16' ? toFloat16(tensor.data) : tensor.data;
  return { tensor, bytes: new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength) };
}

function checkedMetadata(metadata: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new TypeError(`safetensors metadata "${key}" must be a string, got ${typeof value}`);
  }
  return metadata;
}

/** UTF-8 JSON padded with trailing spaces to a multiple of 8 bytes (8 + N is then 8-aligned). */
function paddedHeader(json: string): Uint8Array {
  const text = new TextEncoder().encode(json);
  const padded = new Uint8Array(Math.ceil(text.length / 8) * 8).fill(0x20);
  padded.set(text);
  return padded;
}
