// Tensors in host (CPU) memory as plain data: what the engine passes around between sessions.
// The element type decides the array class, as in onnxruntime-common's tensor type map; float16
// travels as Uint16Array bit patterns (float16.ts converts).

export type TensorType = 'float32' | 'float16' | 'float64' | 'int32' | 'int64' | 'bool';
export type HostTensorData = Float32Array | Uint16Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export interface HostTensor {
  type: TensorType;
  data: HostTensorData;
  dims: number[];
}

export const TENSOR_TYPES: readonly TensorType[] = ['float32', 'float16', 'float64', 'int32', 'int64', 'bool'];

const ARRAY_CLASS: Record<TensorType, { new (length: number): HostTensorData; readonly name: string }> = {
  float32: Float32Array,
  float16: Uint16Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
};

export function isTensorType(type: string): type is TensorType {
  return (TENSOR_TYPES as readonly string[]).includes(type);
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

/** Why `tensor` is malformed (array class vs type, length vs dims), or undefined if it is fine. */
export function hostTensorProblem(tensor: HostTensor): string | undefined {
  if (!isTensorType(tensor.type)) return `type '${String(tensor.type)}' is not one of ${TENSOR_TYPES.join(', ')}`;
  const expected = ARRAY_CLASS[tensor.type];
  if (!(tensor.data instanceof expected)) return `type ${tensor.type} needs a ${expected.name}, got ${tensor.data.constructor.name}`;
  if (tensor.dims.some((dim) => !Number.isInteger(dim) || dim < 0)) return `dims [${tensor.dims.join(', ')}] must be non-negative integers`;
  const count = elementCount(tensor.dims);
  if (tensor.data.length !== count) return `dims [${tensor.dims.join(', ')}] hold ${count} elements but the data has ${tensor.data.length}`;
  return undefined;
}
