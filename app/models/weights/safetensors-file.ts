/**
 * Lazy safetensors reading: opening reads only the header; each tensor is read on demand by file
 * position, in chunks, so files larger than 2 GiB (where fs.readFileSync and Buffers give out)
 * open fine and only the tensors a graph needs ever reach memory. F32, F16 and BF16 come back as
 * Float32Array.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { readSync } from 'node:fs';
import { endianness } from 'node:os';
import { fromFloat16 } from '../../runtime/float16.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import { SAFETENSORS_DTYPE_BYTES, safetensorsFormatError, parseHeader, parseHeaderLength, type SafetensorsTensorInfo } from './safetensors-header.js';

/** Bytes per read call: well under the 2 GiB a single fs read accepts. */
const READ_CHUNK_BYTES = 16 * 1024 * 1024;
const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16']);

export class SafetensorsFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly dataStart: number,
    private readonly tensors: ReadonlyMap<string, SafetensorsTensorInfo>,
    readonly metadata: Readonly<Record<string, string>>,
  ) {}

  static async open(path: string): Promise<SafetensorsFile> {
    assertLittleEndianHost();
    const handle = await open(path, 'r');
    try {
      const fileBytes = (await handle.stat()).size;
      const prefix = new Uint8Array(Math.min(8, fileBytes));
      await handle.read(prefix, 0, prefix.length, 0);
      const headerBytes = parseHeaderLength(prefix, fileBytes, path);
      const header = new Uint8Array(headerBytes);
      await handle.read(header, 0, headerBytes, 8);
      const dataStart = 8 + headerBytes;
      const parsed = parseHeader(header, fileBytes - dataStart, path);
      return new SafetensorsFile(path, handle, dataStart, parsed.tensors, parsed.metadata);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Tensor names in header order. */
  tensorNames(): string[] {
    return [...this.tensors.keys()];
  }

  info(name: string): SafetensorsTensorInfo | undefined {
    return this.tensors.get(name);
  }

  /** Reads one tensor as float32 (synchronous: WeightSource.tensor is, and builders run in a worker). */
  readSync(name: string): Float32Array {
    const info = this.tensors.get(name);
    if (info === undefined) throw new RangeError(`${this.path} has no tensor "${name}"`);
    return this.readInfoSync(info);
  }

  private readInfoSync(info: SafetensorsTensorInfo): Float32Array {
    const name = info.name;
    const { target, bytes } = this.prepareRead(info);
    for (let done = 0; done < bytes.length; ) {
      const length = Math.min(READ_CHUNK_BYTES, bytes.length - done);
      const read = readSync(this.handle.fd, bytes, done, length, this.dataStart + info.begin + done);
      if (read === 0) throw safetensorsFormatError(this.path, `tensor "${name}" ends early: the file shrank after it was opened`);
      done += read;
    }
    return decodeToFloat32(info, target);
  }

  /**
   * Rows [firstRow, firstRow + rowCount) along the first axis, as float32: one contiguous byte range,
   * so a slice of a fused tensor (OpenCLIP's in_proj_weight holding q, k and v) is read alone.
   */
  readRowsSync(name: string, firstRow: number, rowCount: number): Float32Array {
    const info = this.tensors.get(name);
    if (info === undefined) throw new RangeError(`${this.path} has no tensor "${name}"`);
    const rows = info.shape[0] ?? 1;
    if (!Number.isInteger(firstRow) || !Number.isInteger(rowCount) || firstRow < 0 || rowCount < 0 || firstRow + rowCount > rows) {
      throw new RangeError(`${this.path}: rows [${firstRow}, ${firstRow + rowCount}) of tensor "${name}" are outside its ${rows} rows`);
    }
    const rowBytes = rows === 0 ? 0 : (info.end - info.begin) / rows;
    const slice: SafetensorsTensorInfo = { ...info, shape: [rowCount, ...info.shape.slice(1)], begin: info.begin + firstRow * rowBytes, end: info.begin + (firstRow + rowCount) * rowBytes };
    return this.readInfoSync(slice);
  }

  async read(name: string): Promise<Float32Array> {
    const info = this.tensors.get(name);
    if (info === undefined) throw new RangeError(`${this.path} has no tensor "${name}"`);
    const { target, bytes } = this.prepareRead(info);
    for (let done = 0; done < bytes.length; ) {
      const length = Math.min(READ_CHUNK_BYTES, bytes.length - done);
      const { bytesRead } = await this.handle.read(bytes, done, length, this.dataStart + info.begin + done);
      if (bytesRead === 0) throw safetensorsFormatError(this.path, `tensor "${name}" ends early: the file shrank after it was opened`);
      done += bytesRead;
    }
    return decodeToFloat32(info, target);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private prepareRead(info: SafetensorsTensorInfo): { target: Float32Array | Uint16Array; bytes: Uint8Array } {
    if (!FLOAT_DTYPES.has(info.dtype)) {
      // A checkpoint whose weight has an integer dtype is the file's problem, not the caller's.
      throw new UserFacingError(`${this.path}: tensor "${info.name}" is ${info.dtype}; only F32, F16 and BF16 weights can be read`, {
        hint: 'the file is not a checkpoint of floating-point weights; re-export it',
      });
    }
    const count = (info.end - info.begin) / SAFETENSORS_DTYPE_BYTES[info.dtype];
    // Read straight into the typed array that decoding starts from: no extra copy for F32.
    const target = info.dtype === 'F32' ? new Float32Array(count) : new Uint16Array(count);
    return { target, bytes: new Uint8Array(target.buffer, 0, target.byteLength) };
  }
}

export function openSafetensors(path: string): Promise<SafetensorsFile> {
  return SafetensorsFile.open(path);
}

function decodeToFloat32(info: SafetensorsTensorInfo, raw: Float32Array | Uint16Array): Float32Array {
  if (raw instanceof Float32Array) return raw;
  if (info.dtype === 'F16') return fromFloat16(raw);
  // bfloat16 is the top half of a float32's bits.
  const widened = new Uint32Array(raw.length);
  for (let i = 0; i < raw.length; i++) widened[i] = raw[i]! << 16;
  return new Float32Array(widened.buffer);
}

/** The format is little-endian and the typed arrays here use host order; every platform Node ships for is little-endian. */
export function assertLittleEndianHost(): void {
  if (endianness() !== 'LE') throw new Error('safetensors support assumes a little-endian host; this machine is big-endian');
}
