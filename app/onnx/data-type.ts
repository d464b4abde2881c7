// ONNX element types (TensorProto.DataType in onnx.proto) and the subset this project builds with.

export const TensorDataType = {
  UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8,
  BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, COMPLEX64: 14, COMPLEX128: 15,
  BFLOAT16: 16, FLOAT8E4M3FN: 17, FLOAT8E4M3FNUZ: 18, FLOAT8E5M2: 19, FLOAT8E5M2FNUZ: 20,
  UINT4: 21, INT4: 22, FLOAT4E2M1: 23,
} as const;

/** The element types the graph builder emits. */
export type OnnxDataType = 'float32' | 'float16' | 'int32' | 'int64' | 'bool';

const CODE_OF: Record<OnnxDataType, number> = {
  float32: TensorDataType.FLOAT,
  float16: TensorDataType.FLOAT16,
  int32: TensorDataType.INT32,
  int64: TensorDataType.INT64,
  bool: TensorDataType.BOOL,
};

export function dataTypeCode(type: OnnxDataType): number {
  return CODE_OF[type];
}

/** 'FLOAT16' for 10 etc., for error messages. */
export function dataTypeName(code: number): string {
  const entry = Object.entries(TensorDataType).find(([, value]) => value === code);
  return entry ? entry[0] : `unknown data type ${code}`;
}

/** Bytes per element in raw_data, or undefined for STRING and the packed 4-bit types. */
export function bytesPerElement(code: number): number | undefined {
  switch (code) {
    case TensorDataType.UINT8: case TensorDataType.INT8: case TensorDataType.BOOL:
    case TensorDataType.FLOAT8E4M3FN: case TensorDataType.FLOAT8E4M3FNUZ:
    case TensorDataType.FLOAT8E5M2: case TensorDataType.FLOAT8E5M2FNUZ:
      return 1;
    case TensorDataType.UINT16: case TensorDataType.INT16: case TensorDataType.FLOAT16:
    case TensorDataType.BFLOAT16:
      return 2;
    case TensorDataType.FLOAT: case TensorDataType.INT32: case TensorDataType.UINT32:
      return 4;
    case TensorDataType.INT64: case TensorDataType.UINT64: case TensorDataType.DOUBLE:
    case TensorDataType.COMPLEX64:
      return 8;
    case TensorDataType.COMPLEX128:
      return 16;
    default:
      return undefined;
  }
}
