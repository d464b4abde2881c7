// A TensorProto's values, wherever they are stored: raw_data, the typed *_data fields, or an
// external sidecar file (read lazily and in chunks).
import { bytesPerElement, dataTypeName, TensorDataType } from './data-type.js';
import { DEFAULT_CHUNK_SIZE, externalDataInfo, isExternal, readExternalBytes, resolveExternalPath } from './external-data.js';
import { DataLocation, type OnnxTensor } from './model.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

export interface TensorReadOptions {
  /** directory of the model file (model.externalDataDirectory); needed for external tensors */
  baseDirectory?: string;
  chunkSize?: number;
}

export type TensorValues =
  | Float32Array | Float64Array | Uint16Array | Int16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | Uint8Array | Int8Array;

export function elementCountOf(tensor: OnnxTensor): number {
  return tensor.dims.reduce((product, dim) => product * dim, 1);
}

/** Bytes the tensor occupies as raw_data, or undefined for STRING and packed 4-bit types. */
export function tensorByteLength(tensor: OnnxTensor): number | undefined {
  if (isExternal(tensor)) {
    const info = externalDataInfo(tensor);
    if (info.length !== undefined) return info.length;
  }
  if (tensor.rawData && !isExternal(tensor)) return tensor.rawData.byteLength;
  const width = bytesPerElement(tensor.dataType);
  return width === undefined ? undefined : width * elementCountOf(tensor);
}

/** Typed *_data fields -> little-endian raw bytes (onnx.proto says which field holds which type). */
function typedFieldBytes(tensor: OnnxTensor): Uint8Array {
  const type = tensor.dataType;
  const count = elementCountOf(tensor);
  const asBytes = (array: TensorValues) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  switch (type) {
    case TensorDataType.FLOAT: case TensorDataType.COMPLEX64:
      return asBytes(Float32Array.from(tensor.floatData ?? []));
    case TensorDataType.DOUBLE: case TensorDataType.COMPLEX128:
      return asBytes(Float64Array.from(tensor.doubleData ?? []));
    case TensorDataType.INT64:
      return asBytes(BigInt64Array.from(tensor.int64Data ?? []));
    case TensorDataType.UINT32:
      return asBytes(Uint32Array.from(tensor.uint64Data ?? [], (value) => Number(value)));
    case TensorDataType.UINT64:
      return asBytes(BigUint64Array.from(tensor.uint64Data ?? []));
    case TensorDataType.INT32:
      return asBytes(Int32Array.from(tensor.int32Data ?? []));
    case TensorDataType.INT16:
      return asBytes(Int16Array.from(tensor.int32Data ?? []));
    case TensorDataType.UINT16: case TensorDataType.FLOAT16: case TensorDataType.BFLOAT16:
      return asBytes(Uint16Array.from(tensor.int32Data ?? []));
    case TensorDataType.INT8:
      return asBytes(Int8Array.from(tensor.int32Data ?? []));
    case TensorDataType.UINT8: case TensorDataType.BOOL:
    case TensorDataType.FLOAT8E4M3FN: case TensorDataType.FLOAT8E4M3FNUZ:
    case TensorDataType.FLOAT8E5M2: case TensorDataType.FLOAT8E5M2FNUZ:
      return Uint8Array.from(tensor.int32Data ?? []);
    default:
      throw new UserFacingError(`tensor '${tensor.name ?? ''}': ${dataTypeName(type)} (${count} elements) cannot be read as raw bytes`);
  }
}

/** The tensor's raw little-endian bytes. External tensors are read from their sidecar now. */
export async function readTensorBytes(tensor: OnnxTensor, options: TensorReadOptions = {}): Promise<Uint8Array> {
  const name = tensor.name ?? '';
  let bytes: Uint8Array;
  if (isExternal(tensor)) {
    const info = externalDataInfo(tensor);
    const path = resolveExternalPath(options.baseDirectory, info, name);
    bytes = await readExternalBytes(path, info.offset, info.length, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  } else {
    bytes = tensor.rawData ?? typedFieldBytes(tensor);
  }
  const width = bytesPerElement(tensor.dataType);
  const expected = width === undefined ? undefined : width * elementCountOf(tensor);
  if (expected !== undefined && bytes.byteLength !== expected) {
    throw new UserFacingError(
      `tensor '${name}' (${dataTypeName(tensor.dataType)} [${tensor.dims.join(', ')}]) needs ${expected} bytes but its data has ${bytes.byteLength}`,
    );
  }
  return bytes;
}

/** The tensor's values as a typed array (a copy; float16 and bfloat16 stay as Uint16Array bits). */
export async function readTensorValues(tensor: OnnxTensor, options: TensorReadOptions = {}): Promise<TensorValues> {
  const bytes = await readTensorBytes(tensor, options);
  const copy = new Uint8Array(bytes).buffer;
  switch (tensor.dataType) {
    case TensorDataType.FLOAT: return new Float32Array(copy);
    case TensorDataType.DOUBLE: return new Float64Array(copy);
    case TensorDataType.FLOAT16: case TensorDataType.BFLOAT16: case TensorDataType.UINT16: return new Uint16Array(copy);
    case TensorDataType.INT16: return new Int16Array(copy);
    case TensorDataType.INT32: return new Int32Array(copy);
    case TensorDataType.UINT32: return new Uint32Array(copy);
    case TensorDataType.INT64: return new BigInt64Array(copy);
    case TensorDataType.UINT64: return new BigUint64Array(copy);
    case TensorDataType.INT8: return new Int8Array(copy);
    case TensorDataType.UINT8: case TensorDataType.BOOL: return new Uint8Array(copy);
    default:
      throw new UserFacingError(`tensor '${tensor.name ?? ''}': reading ${dataTypeName(tensor.dataType)} values is not supported; use readTensorBytes`);
  }
}

/** The same tensor with `bytes` as raw_data and no external or typed-field storage. */
export function withRawData(tensor: OnnxTensor, bytes: Uint8Array): OnnxTensor {
  const { name, dims, dataType, segment, docString, metadataProps } = tensor;
  const out: OnnxTensor = { dims, dataType, rawData: bytes };
  if (name !== undefined) out.name = name;
  if (segment) out.segment = segment;
  if (docString !== undefined) out.docString = docString;
  if (metadataProps) out.metadataProps = metadataProps;
  return out;
}

/** The same tensor stored at [offset, offset + length) of the sidecar `location`. */
export function withExternalData(tensor: OnnxTensor, location: string, offset: number, length: number): OnnxTensor {
  const out = withRawData(tensor, new Uint8Array(0));
  delete out.rawData;
  out.dataLocation = DataLocation.EXTERNAL;
  out.externalData = [
    { key: 'location', value: location },
    { key: 'offset', value: String(offset) },
    { key: 'length', value: String(length) },
  ];
  return out;
}
