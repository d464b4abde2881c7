/**
 * Writes original-layout (LDM / sgm) checkpoints for the import tests and benchmark from the
 * independent layout description in test/reference/ldm-checkpoint-layout.ts: with values taken
 * from a WeightSource under their DIFFUSERS names (so the same values can be written under
 * diffusers names too, and both files built and compared), or sparse (header only, the data
 * section a hole in the file) for full-size mapping checks and memory measurements.
 */
import { open } from 'node:fs/promises';
import { writeSafetensors, type TensorToWrite } from '../../app/models/weights/safetensors-writer.js';
import type { WeightSource } from '../../app/models/weights/weight-source.js';
import type { StoredTensor } from '../reference/ldm-checkpoint-layout.js';

function transpose2d(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = values[r * columns + c]!;
  return out;
}

/** The stored tensor's values: its diffusers parts stacked by rows (transposed back where stored so). */
function storedValues(entry: StoredTensor, values: WeightSource): Float32Array {
  if (entry.parts.length === 0) return values.tensor(`ignored.${entry.key}`, entry.shape);
  const parts = entry.parts.map((part) => values.tensor(part.diffusers, part.shape));
  if (entry.transpose) return transpose2d(parts[0]!, entry.parts[0]!.shape[0]!, entry.parts[0]!.shape[1]!);
  const out = new Float32Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export async function writeLdmCheckpoint(path: string, stored: readonly StoredTensor[], values: WeightSource, extra: Record<string, TensorToWrite> = {}): Promise<void> {
  const tensors: Record<string, TensorToWrite> = { ...extra };
  for (const entry of stored) tensors[entry.key] = { dtype: 'F32', shape: entry.shape, data: storedValues(entry, values) };
  await writeSafetensors(path, tensors);
}

/** The same values under diffusers names, for the parts whose names pass `keep`. */
export function diffusersTensors(stored: readonly StoredTensor[], values: WeightSource, keep: (name: string) => boolean = () => true): Record<string, TensorToWrite> {
  const tensors: Record<string, TensorToWrite> = {};
  for (const entry of stored) {
    for (const part of entry.parts) {
      if (keep(part.diffusers)) tensors[part.diffusers] = { dtype: 'F32', shape: part.shape, data: values.tensor(part.diffusers, part.shape) };
    }
  }
  return tensors;
}

/**
 * A full-size file without writing its data: the header is real, the data section is a hole
 * (ftruncate), read back as zeros. Returns the file size.
 */
export async function writeSparseLdmCheckpoint(path: string, stored: readonly StoredTensor[], dtype: 'F16' | 'F32'): Promise<number> {
  const bytesPer = dtype === 'F16' ? 2 : 4;
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const entry of stored) {
    const bytes = entry.shape.reduce((a, b) => a * b, 1) * bytesPer;
    header[entry.key] = { dtype, shape: entry.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const handle = await open(path, 'w');
  try {
    await handle.write(Buffer.concat([prefix, Buffer.from(json)]), 0, undefined, 0);
    const size = 8 + Buffer.byteLength(json) + offset;
    await handle.truncate(size);
    return size;
  } finally {
    await handle.close();
  }
}
