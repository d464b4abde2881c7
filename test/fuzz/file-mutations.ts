/**
 * Malformed model and image files for the fuzz test: a small valid safetensors file, ONNX model and
 * PNG, each damaged one way, chosen by fast-check: truncated, bytes flipped, lengths and offsets that
 * lie, huge declared sizes, bad header JSON, wrong dtypes, overlapping tensor ranges.
 */
import fc from 'fast-check';

export interface FileCase {
  readonly kind: string;
  readonly bytes: Uint8Array;
}

/** Damage that needs no knowledge of the format. */
function byteDamage(seed: Uint8Array): fc.Arbitrary<FileCase> {
  return fc.oneof(
    fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }).map((cut) => ({ kind: 'truncated', bytes: seed.slice(0, Math.floor(cut * seed.length)) })),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
      const bytes = seed.slice();
      for (const [at, mask] of flips) bytes[at % bytes.length]! ^= mask;
      return { kind: 'bytes-flipped', bytes };
    }),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ kind: 'random-bytes', bytes })),
  );
}

// --- safetensors: 8-byte little-endian header length, JSON header, data -------------------------

function splitSafetensors(seed: Uint8Array): { header: Record<string, Record<string, unknown>>; data: Uint8Array } {
  const length = Number(new DataView(seed.buffer, seed.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(seed.subarray(8, 8 + length))) as Record<string, Record<string, unknown>>;
  return { header, data: seed.subarray(8 + length) };
}

function joinSafetensors(headerText: string | Uint8Array, data: Uint8Array, declaredLength?: bigint): Uint8Array {
  const header = typeof headerText === 'string' ? new TextEncoder().encode(headerText) : headerText;
  const bytes = new Uint8Array(8 + header.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, declaredLength ?? BigInt(header.length), true);
  bytes.set(header, 8);
  bytes.set(data, 8 + header.length);
  return bytes;
}

const BAD_DTYPES = ['F128', 'I32', 'U8', 'I64', 'BOOL', 'f32', '', 7, null, ['F32']];
const BAD_SHAPES = [[-1], [1.5], [2 ** 53], [1e308], [2 ** 31, 2 ** 31], 'x', null, [0], [1, 0, 3], {}];
const BAD_OFFSETS = (end: number) => [[0, 2 ** 53 + 1], [end, 0], [-1, end], [1.5, end], [0, end + 4], [2, end + 2], [0, 1e308], 'x', [0], [0, end, 2]];

function safetensorsHeaderDamage(seed: Uint8Array): fc.Arbitrary<FileCase> {
  const { header, data } = splitSafetensors(seed);
  const names = Object.keys(header).filter((name) => name !== '__metadata__');
  return fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('wrong-dtype', 'bad-shape', 'lying-offsets', 'overlapping-ranges', 'bad-metadata', 'not-an-entry')).map(([which, variant, kind]) => {
    const copy = structuredClone(header);
    const name = names[which % names.length]!;
    const entry = copy[name]!;
    const [, end] = entry.data_offsets as [number, number];
    if (kind === 'wrong-dtype') entry.dtype = BAD_DTYPES[variant % BAD_DTYPES.length];
    if (kind === 'bad-shape') entry.shape = BAD_SHAPES[variant % BAD_SHAPES.length];
    if (kind === 'lying-offsets') entry.data_offsets = BAD_OFFSETS(end)[variant % 10];
    if (kind === 'overlapping-ranges') copy[`${name}.twin`] = { ...entry };
    if (kind === 'bad-metadata') copy.__metadata__ = [{ step: 1 }, [], 'x', { a: null }][variant % 4] as Record<string, unknown>;
    if (kind === 'not-an-entry') (copy as Record<string, unknown>)[name] = [null, 3, 'F32', []][variant % 4];
    return { kind, bytes: joinSafetensors(JSON.stringify(copy), data) };
  });
}

const LYING_LENGTHS = [0n, 1n, 7n, 2n ** 40n, 2n ** 64n - 1n, 100_000_001n];

function safetensorsFramingDamage(seed: Uint8Array): fc.Arbitrary<FileCase> {
  const { header, data } = splitSafetensors(seed);
  const text = JSON.stringify(header);
  return fc.oneof(
    fc.tuple(fc.nat(), fc.integer({ min: -8, max: 8 })).map(([which, shift]) => ({
      kind: 'lying-header-length',
      bytes: joinSafetensors(text, data, which % 2 === 0 ? LYING_LENGTHS[which % LYING_LENGTHS.length]! : BigInt(Math.max(0, text.length + shift))),
    })),
    fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('[]', '"x"', 'null', ' {}', '{"a":', '{"a":1}}', '\u0000')).map(([cut, tail]) => ({
      kind: 'bad-json',
      bytes: joinSafetensors(`${text.slice(0, Math.floor(cut * text.length))}${tail}`, data),
    })),
    fc.uint8Array({ minLength: 1, maxLength: 16 }).map((garbage) => ({ kind: 'bad-utf8', bytes: joinSafetensors(Uint8Array.of(0x7b, 0xff, 0xfe, ...garbage), data) })),
  );
}

export function safetensorsCases(seed: Uint8Array): fc.Arbitrary<FileCase> {
  return fc.oneof(byteDamage(seed), { arbitrary: safetensorsHeaderDamage(seed), weight: 3 }, safetensorsFramingDamage(seed));
}

// --- ONNX: protobuf ---------------------------------------------------------------------------

/** ModelProto field 7 (graph), length-delimited, claiming a length of about 4 GiB. */
const HUGE_LENGTH_FIELD = [0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f];

export function onnxCases(seed: Uint8Array): fc.Arbitrary<FileCase> {
  return fc.oneof(
    byteDamage(seed),
    fc.nat().map((at) => {
      const cut = at % seed.length;
      return { kind: 'huge-declared-length', bytes: Uint8Array.of(...seed.subarray(0, cut), ...HUGE_LENGTH_FIELD, ...seed.subarray(cut)) };
    }),
  );
}

/** Lies an external tensor's data location can tell: the sidecar's name, offset or length. */
export const EXTERNAL_DATA_LIES: readonly Record<string, string>[] = [
  { offset: '99999999' },
  { length: '99999999' },
  { offset: '-5' },
  { length: '1e308' },
  { offset: '12', length: '4' },
  { location: 'missing.bin' },
  { location: '../../../etc/hostname' },
  { location: '' },
  { offset: 'x' },
  { offset: '9007199254740993' },
];

// --- PNG: signature, then chunks of length (u32 BE), type, data, CRC ------------------------------

function pngChunkStarts(seed: Uint8Array): number[] {
  const view = new DataView(seed.buffer, seed.byteOffset, seed.byteLength);
  const starts: number[] = [];
  for (let offset = 8; offset + 8 <= seed.length; offset += 12 + view.getUint32(offset)) starts.push(offset);
  return starts;
}

const LYING_CHUNK_LENGTHS = [0, 1, 0x7fffffff, 0xfffffff0, 0xffffffff];
/** Declared sizes no decoder should try to allocate (16 to 12 GB of samples), and zero. */
const HUGE_DIMENSIONS: [number, number][] = [[0x7fffffff, 0x7fffffff], [65535, 65535], [100000, 100000], [0, 3], [4, 0], [1, 0x7fffffff]];

export function pngCases(seed: Uint8Array): fc.Arbitrary<FileCase> {
  const chunks = pngChunkStarts(seed);
  return fc.oneof(
    byteDamage(seed),
    fc.tuple(fc.nat(), fc.nat()).map(([which, lie]) => {
      const bytes = seed.slice();
      new DataView(bytes.buffer).setUint32(chunks[which % chunks.length]!, LYING_CHUNK_LENGTHS[lie % LYING_CHUNK_LENGTHS.length]!);
      return { kind: 'lying-chunk-length', bytes };
    }),
    fc.nat().map((which) => {
      // IHDR is the first chunk: width and height are its first 8 data bytes (CRC not rechecked by readers).
      const bytes = seed.slice();
      const [width, height] = HUGE_DIMENSIONS[which % HUGE_DIMENSIONS.length]!;
      new DataView(bytes.buffer).setUint32(16, width);
      new DataView(bytes.buffer).setUint32(20, height);
      return { kind: 'huge-dimensions', bytes };
    }),
  );
}
