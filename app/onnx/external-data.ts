// ONNX external data (onnx/docs/ExternalData.md): a tensor's bytes live in a sidecar file next to
// the model, found through TensorProto.external_data entries location / offset / length.
// Sidecars of SD UNets are 3-10 GB, beyond what Node reads in one call (readFile stops at 2 GiB),
// so every read and copy here goes through fixed-size chunks at explicit file positions.
import { open, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { DataLocation, type OnnxTensor } from './model.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

export const DEFAULT_CHUNK_SIZE = 64 * 1024 * 1024;
/** onnx.proto: offsets SHOULD be multiples of 4096 (page size) so the file can be mmapped. */
export const EXTERNAL_DATA_ALIGNMENT = 4096;

export interface ExternalDataInfo {
  /** relative to the model file's directory */
  location: string;
  offset: number;
  /** undefined: up to the end of the file */
  length: number | undefined;
}

export function isExternal(tensor: OnnxTensor): boolean {
  return tensor.dataLocation === DataLocation.EXTERNAL;
}

function parseByteCount(tensorName: string, key: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new UserFacingError(`tensor '${tensorName}': external_data ${key} '${text}' is not a byte count`);
  }
  return value;
}

export function externalDataInfo(tensor: OnnxTensor): ExternalDataInfo {
  const tensorName = tensor.name ?? '';
  const entries = new Map((tensor.externalData ?? []).map((entry) => [entry.key ?? '', entry.value ?? '']));
  const location = entries.get('location');
  if (!location) throw new UserFacingError(`tensor '${tensorName}' is marked EXTERNAL but has no external_data 'location'`);
  const offsetText = entries.get('offset');
  const lengthText = entries.get('length');
  return {
    location,
    offset: offsetText === undefined ? 0 : parseByteCount(tensorName, 'offset', offsetText),
    length: lengthText === undefined ? undefined : parseByteCount(tensorName, 'length', lengthText),
  };
}

/**
 * The sidecar's path. Locations must stay inside the model's directory: an absolute path or
 * '..' could make a downloaded model read arbitrary files (onnx's checker refuses them too).
 */
export function resolveExternalPath(baseDirectory: string | undefined, info: ExternalDataInfo, tensorName: string): string {
  if (baseDirectory === undefined) {
    throw new UserFacingError(
      `tensor '${tensorName}' is stored in external file '${info.location}', but the model was parsed from bytes: ` +
        'read it with readModel(path) or set model.externalDataDirectory',
    );
  }
  const relative = normalize(info.location);
  if (isAbsolute(info.location) || relative === '..' || relative.startsWith(`..${sep}`)) {
    throw new UserFacingError(`tensor '${tensorName}': external data location '${info.location}' points outside the model's directory`);
  }
  return join(baseDirectory, relative);
}

/** Reads [offset, offset + length) of `path` in chunks of at most `chunkSize` bytes. */
export async function readExternalBytes(path: string, offset: number, length: number | undefined, chunkSize = DEFAULT_CHUNK_SIZE): Promise<Uint8Array> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw new UserFacingError(`external data file ${path} cannot be opened: ${(error as Error).message}`, { cause: error });
  }
  try {
    const size = (await file.stat()).size;
    const byteLength = length ?? size - offset;
    if (offset + byteLength > size) {
      throw new UserFacingError(`external data file ${path} has ${size} bytes but bytes [${offset}, ${offset + byteLength}) were requested: it is truncated or belongs to another model`);
    }
    const out = new Uint8Array(byteLength);
    for (let done = 0; done < byteLength;) {
      const { bytesRead } = await file.read(out, done, Math.min(chunkSize, byteLength - done), offset + done);
      if (bytesRead === 0) throw new UserFacingError(`external data file ${path} ended at byte ${offset + done} while reading`);
      done += bytesRead;
    }
    return out;
  } finally {
    await file.close();
  }
}

/** Where a tensor's bytes were placed in a sidecar. */
export interface Placement {
  offset: number;
  length: number;
}

/** Destination of externalized tensors: a sidecar file, or memory for an in-process session. */
export interface ExternalDataSink {
  append(bytes: Uint8Array): Promise<Placement>;
  /** Copies bytes from another sidecar without holding them all in memory at once. */
  copyFrom(path: string, offset: number, length: number): Promise<Placement>;
}

function alignUp(position: number): number {
  return Math.ceil(position / EXTERNAL_DATA_ALIGNMENT) * EXTERNAL_DATA_ALIGNMENT;
}

export class ExternalDataFileWriter implements ExternalDataSink {
  private position = 0;

  private constructor(private readonly file: FileHandle, readonly path: string, private readonly chunkSize: number) {}

  static async create(path: string, chunkSize = DEFAULT_CHUNK_SIZE): Promise<ExternalDataFileWriter> {
    return new ExternalDataFileWriter(await open(path, 'w'), path, chunkSize);
  }

  get bytesWritten(): number {
    return this.position;
  }

  async append(bytes: Uint8Array): Promise<Placement> {
    const offset = alignUp(this.position);
    for (let done = 0; done < bytes.byteLength;) {
      const chunk = bytes.subarray(done, Math.min(done + this.chunkSize, bytes.byteLength));
      const { bytesWritten } = await this.file.write(chunk, 0, chunk.byteLength, offset + done);
      done += bytesWritten;
    }
    this.position = offset + bytes.byteLength;
    return { offset, length: bytes.byteLength };
  }

  async copyFrom(path: string, offset: number, length: number): Promise<Placement> {
    const source = await open(path, 'r');
    try {
      const target = alignUp(this.position);
      const buffer = new Uint8Array(Math.min(this.chunkSize, Math.max(length, 1)));
      for (let done = 0; done < length;) {
        const { bytesRead } = await source.read(buffer, 0, Math.min(buffer.byteLength, length - done), offset + done);
        if (bytesRead === 0) throw new UserFacingError(`external data file ${path} ended at byte ${offset + done}, before the ${length} bytes at offset ${offset} were copied`);
        await this.file.write(buffer, 0, bytesRead, target + done);
        done += bytesRead;
      }
      this.position = target + length;
      return { offset: target, length };
    } finally {
      await source.close();
    }
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

/** Collects externalized tensors into one buffer (for ORT's `externalData: [{path, data}]`). */
export class ExternalDataMemorySink implements ExternalDataSink {
  private readonly parts: Array<{ offset: number; bytes: Uint8Array }> = [];
  private position = 0;

  constructor(private readonly chunkSize = DEFAULT_CHUNK_SIZE) {}

  async append(bytes: Uint8Array): Promise<Placement> {
    const offset = alignUp(this.position);
    this.parts.push({ offset, bytes });
    this.position = offset + bytes.byteLength;
    return { offset, length: bytes.byteLength };
  }

  async copyFrom(path: string, offset: number, length: number): Promise<Placement> {
    return this.append(await readExternalBytes(path, offset, length, this.chunkSize));
  }

  contents(): Uint8Array {
    const out = new Uint8Array(this.position);
    for (const part of this.parts) out.set(part.bytes, part.offset);
    return out;
  }
}
