/**
 * The safetensors header (format: github.com/huggingface/safetensors README): 8 bytes little-endian
 * u64 N, then N bytes of UTF-8 JSON mapping tensor names to {dtype, shape, data_offsets: [begin,
 * end]} (offsets relative to the byte buffer after the header) plus an optional "__metadata__"
 * string→string map. The checks follow the reference Rust crate's `validate`: the header starts
 * with '{', every tensor's byte length equals prod(shape) × dtype size, and sorted by offset the
 * tensors tile the byte buffer exactly — no gap, no overlap, nothing past the end.
 */
import { elementCount, formatShape } from './weight-source.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

/** Byte size per element of every dtype the format defines with whole-byte elements. */
export const SAFETENSORS_DTYPE_BYTES = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8,
} as const;
export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPE_BYTES;

/** Same limit as the Rust crate: a larger header is taken as a corrupt or hostile file. */
export const MAX_HEADER_BYTES = 100_000_000;
export const METADATA_KEY = '__metadata__';

export interface SafetensorsTensorInfo {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Byte offsets relative to the start of the byte buffer (just after the header). */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  readonly tensors: ReadonlyMap<string, SafetensorsTensorInfo>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Tells a damaged file apart (the checkpoint import reports it as such). */
export const SAFETENSORS_FORMAT_PROBLEM = 'safetensors.format';

/** The file is not a valid safetensors file: names the file and what is wrong with it. */
export function safetensorsFormatError(path: string, detail: string): UserFacingError {
  return new UserFacingError(`${path} is not a valid safetensors file: ${detail}`, {
    hint: 're-export or re-download it (safetensors.torch.save_file writes valid files)',
    code: SAFETENSORS_FORMAT_PROBLEM,
  });
}

export function parseHeaderLength(prefix: Uint8Array, fileBytes: number, path: string): number {
  if (prefix.length < 8) throw safetensorsFormatError(path, `it has ${fileBytes} bytes, fewer than the 8-byte header length`);
  const length = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) {
    throw safetensorsFormatError(path, `its header length ${length} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  if (8 + Number(length) > fileBytes) {
    throw safetensorsFormatError(path, `its header length ${length} runs past the end of the ${fileBytes}-byte file (truncated?)`);
  }
  return Number(length);
}

export function parseHeader(headerBytes: Uint8Array, dataBytes: number, path: string): SafetensorsHeader {
  const json = decodeHeaderJson(headerBytes, path);
  const tensors = new Map<string, SafetensorsTensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(json)) {
    if (name === METADATA_KEY) metadata = parseMetadata(entry, path);
    else tensors.set(name, parseTensorEntry(name, entry, path));
  }
  checkTiling([...tensors.values()], dataBytes, path);
  return { tensors, metadata };
}

function decodeHeaderJson(headerBytes: Uint8Array, path: string): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw safetensorsFormatError(path, 'its header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw safetensorsFormatError(path, "its header does not start with '{'");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw safetensorsFormatError(path, `its header is not valid JSON (${(cause as Error).message})`);
  }
  if (!isPlainObject(parsed)) throw safetensorsFormatError(path, 'its header is not a JSON object');
  return parsed;
}

function parseMetadata(entry: unknown, path: string): Record<string, string> {
  if (!isPlainObject(entry) || !Object.values(entry).every((value) => typeof value === 'string')) {
    throw safetensorsFormatError(path, `"${METADATA_KEY}" must map strings to strings`);
  }
  return entry as Record<string, string>;
}

function parseTensorEntry(name: string, entry: unknown, path: string): SafetensorsTensorInfo {
  const where = `tensor "${name}"`;
  if (!isPlainObject(entry)) throw safetensorsFormatError(path, `${where} is not an object`);
  const { dtype, shape, data_offsets: offsets } = entry;
  if (typeof dtype !== 'string' || !(dtype in SAFETENSORS_DTYPE_BYTES)) {
    throw safetensorsFormatError(path, `${where} has unknown dtype ${JSON.stringify(dtype)}`);
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    throw safetensorsFormatError(path, `${where} has shape ${JSON.stringify(shape)}, not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    throw safetensorsFormatError(path, `${where} has data_offsets ${JSON.stringify(offsets)}, not [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  const typedDtype = dtype as SafetensorsDtype;
  const expectedBytes = elementCount(shape as number[]) * SAFETENSORS_DTYPE_BYTES[typedDtype];
  if (end < begin || end - begin !== expectedBytes) {
    throw safetensorsFormatError(
      path,
      `${where} (${dtype} ${formatShape(shape as number[])}) needs ${expectedBytes} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return { name, dtype: typedDtype, shape: shape as number[], begin, end };
}

/** Sorted by offset, each tensor must start where the previous one ended and the last must end the file. */
function checkTiling(tensors: SafetensorsTensorInfo[], dataBytes: number, path: string): void {
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expectedBegin = 0;
  let previous: string | undefined;
  for (const info of sorted) {
    if (info.begin !== expectedBegin) {
      const relation = info.begin < expectedBegin ? `overlaps "${previous}"` : `leaves a gap after ${previous ? `"${previous}"` : 'the header'}`;
      throw safetensorsFormatError(path, `tensor "${info.name}" at data_offsets [${info.begin}, ${info.end}] ${relation}`);
    }
    if (info.end > dataBytes) {
      throw safetensorsFormatError(path, `tensor "${info.name}" data_offsets [${info.begin}, ${info.end}] run past the ${dataBytes}-byte data section (truncated?)`);
    }
    expectedBegin = info.end;
    previous = info.name;
  }
  if (expectedBegin !== dataBytes) {
    throw safetensorsFormatError(path, `its tensors cover ${expectedBegin} of the ${dataBytes} data bytes`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
