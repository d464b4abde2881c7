// Plain-data mirror of the ONNX protobuf messages (onnx.proto), with protobufjs's camelCase field
// names (raw_data -> rawData). Readers get every repeated field as an array (possibly empty);
// writers may leave repeated fields out. int64 fields that hold sizes or versions are numbers
// (checked to be safe integers when read); int64 fields that hold values (attribute ints,
// int64_data) are bigints, because torch exports use INT64_MAX as "to the end" in Slice.

export interface StringStringEntry {
  key?: string;
  value?: string;
}

export interface OperatorSetId {
  /** '' (or absent) is the default ai.onnx domain. */
  domain?: string;
  version: number;
}

export interface TensorShapeDimension {
  dimValue?: number;
  dimParam?: string;
  denotation?: string;
}

export interface OnnxTypeProto {
  tensorType?: { elemType?: number; shape?: { dim?: TensorShapeDimension[] } };
  sequenceType?: { elemType?: OnnxTypeProto };
  mapType?: { keyType?: number; valueType?: OnnxTypeProto };
  optionalType?: { elemType?: OnnxTypeProto };
  sparseTensorType?: { elemType?: number; shape?: { dim?: TensorShapeDimension[] } };
  opaqueType?: { domain?: string; name?: string };
  denotation?: string;
}

export interface OnnxValueInfo {
  name: string;
  type?: OnnxTypeProto;
  docString?: string;
  metadataProps?: StringStringEntry[];
}

/** TensorProto.DataLocation */
export const DataLocation = { DEFAULT: 0, EXTERNAL: 1 } as const;

export interface OnnxTensor {
  name?: string;
  dims: number[];
  /** TensorProto.DataType code, see data-type.ts */
  dataType: number;
  segment?: { begin?: number; end?: number };
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  stringData?: Uint8Array[];
  int64Data?: bigint[];
  doubleData?: number[];
  uint64Data?: bigint[];
  /** keys: location (relative to the model file), offset, length, checksum */
  externalData?: StringStringEntry[];
  dataLocation?: number;
  docString?: string;
  metadataProps?: StringStringEntry[];
}

export interface SparseTensor {
  values?: OnnxTensor;
  indices?: OnnxTensor;
  dims?: number[];
}

/** AttributeProto.AttributeType */
export const AttributeType = {
  UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, SPARSE_TENSOR: 11, TYPE_PROTO: 13,
  FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10, SPARSE_TENSORS: 12, TYPE_PROTOS: 14,
} as const;

export interface OnnxAttribute {
  name: string;
  type: number;
  refAttrName?: string;
  docString?: string;
  f?: number;
  i?: bigint;
  /** UTF-8 bytes */
  s?: Uint8Array;
  t?: OnnxTensor;
  g?: OnnxGraph;
  sparseTensor?: SparseTensor;
  tp?: OnnxTypeProto;
  floats?: number[];
  ints?: bigint[];
  strings?: Uint8Array[];
  tensors?: OnnxTensor[];
  graphs?: OnnxGraph[];
  sparseTensors?: SparseTensor[];
  typeProtos?: OnnxTypeProto[];
}

export interface OnnxNode {
  name?: string;
  opType: string;
  /** '' (or absent) is the default ai.onnx domain */
  domain?: string;
  overload?: string;
  /** '' marks an omitted optional input */
  input: string[];
  output: string[];
  attribute: OnnxAttribute[];
  docString?: string;
  metadataProps?: StringStringEntry[];
}

export interface OnnxGraph {
  name?: string;
  node: OnnxNode[];
  initializer: OnnxTensor[];
  sparseInitializer?: SparseTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
  valueInfo?: OnnxValueInfo[];
  quantizationAnnotation?: Array<{ tensorName?: string; quantParameterTensorNames?: StringStringEntry[] }>;
  docString?: string;
  metadataProps?: StringStringEntry[];
}

export interface OnnxFunction {
  name?: string;
  domain?: string;
  overload?: string;
  input?: string[];
  output?: string[];
  attribute?: string[];
  attributeProto?: OnnxAttribute[];
  node?: OnnxNode[];
  opsetImport?: OperatorSetId[];
  valueInfo?: OnnxValueInfo[];
  docString?: string;
  metadataProps?: StringStringEntry[];
}

export interface OnnxTrainingInfo {
  initialization?: OnnxGraph;
  algorithm?: OnnxGraph;
  initializationBinding?: StringStringEntry[];
  updateBinding?: StringStringEntry[];
}

export interface OnnxModel {
  irVersion: number;
  opsetImport: OperatorSetId[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph: OnnxGraph;
  metadataProps?: StringStringEntry[];
  trainingInfo?: OnnxTrainingInfo[];
  functions?: OnnxFunction[];
  /**
   * Not part of the protobuf: the directory that relative external_data locations resolve
   * against. readModel sets it to the model file's directory; it is never serialized.
   */
  externalDataDirectory?: string;
}

/** Node-level metadata_props as a Map (keys should be distinct per the ONNX spec). */
export function metadataMap(entries: readonly StringStringEntry[] | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of entries ?? []) map.set(entry.key ?? '', entry.value ?? '');
  return map;
}
