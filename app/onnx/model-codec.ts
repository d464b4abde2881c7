// ModelProto bytes <-> OnnxModel plain data, through protobufjs reflection.
//
// protobufjs hands int64 fields over as strings here ({longs: String}); we turn them into numbers
// (sizes, versions: must be safe integers) or bigints (values: attribute ints, int64_data),
// so that INT64_MAX, which torch exports use for "slice to the end", survives a round trip.
import protobuf from 'protobufjs';
import { onnxMessageType } from './onnx-proto.js';
import type { OnnxModel } from './model.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

/** The protobuf could not be decoded as an ONNX model, or it lacks what every model must have. */
/** A file that is not a readable ONNX model: the message names the file first. */
export function onnxFormatError(source: string, message: string, options: { cause?: unknown } = {}): UserFacingError {
  return new UserFacingError(`${source}: ${message}`, options);
}

/** The int64 fields whose values can exceed 2^53 in real models; all others become numbers. */
const BIGINT_FIELDS = new Set([
  'onnx.AttributeProto.i',
  'onnx.AttributeProto.ints',
  'onnx.TensorProto.int64Data',
  'onnx.TensorProto.uint64Data',
]);
const INT64_WIRE_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

type Converter = (field: protobuf.Field, value: unknown) => unknown;

/** Walks a message object along the schema and replaces every int64 field through `convert`. */
function convertInt64Fields(type: protobuf.Type, message: Record<string, unknown>, convert: Converter): Record<string, unknown> {
  const out: Record<string, unknown> = { ...message };
  for (const field of type.fieldsArray) {
    const value = out[field.name];
    if (value === undefined || value === null) continue;
    if (field.resolvedType instanceof protobuf.Type) {
      const child = field.resolvedType;
      out[field.name] = field.repeated
        ? (value as Record<string, unknown>[]).map((item) => convertInt64Fields(child, item, convert))
        : convertInt64Fields(child, value as Record<string, unknown>, convert);
    } else if (INT64_WIRE_TYPES.has(field.type)) {
      out[field.name] = field.repeated ? (value as unknown[]).map((item) => convert(field, item)) : convert(field, value);
    }
  }
  return out;
}

function int64FromWire(source: string): Converter {
  return (field, value) => {
    const text = String(value);
    if (BIGINT_FIELDS.has(field.fullName.replace(/^\./, ''))) return BigInt(text);
    const number = Number(text);
    if (!Number.isSafeInteger(number)) {
      throw onnxFormatError(source, `field ${field.fullName} holds ${text}, beyond the 2^53 this reader supports for sizes and versions`);
    }
    return number;
  };
}

/** bigint -> the {low, high} 32-bit halves protobufjs accepts for exact int64 values. */
const int64ToWire: Converter = (_field, value) => {
  if (typeof value !== 'bigint') return value;
  const bits = BigInt.asUintN(64, value);
  return { low: Number(BigInt.asIntN(32, bits)), high: Number(BigInt.asIntN(32, bits >> 32n)) };
};

/** Decodes ModelProto bytes. `source` (usually the file path) names the input in errors. */
export function parseModel(bytes: Uint8Array, source = '<bytes>'): OnnxModel {
  const type = onnxMessageType('ModelProto');
  let decoded: protobuf.Message;
  try {
    decoded = type.decode(bytes);
  } catch (error) {
    throw onnxFormatError(
      source,
      `not a readable ONNX model (${(error as Error).message}). The file is truncated or corrupt, or not ONNX at all; re-export or re-download it.`,
      { cause: error },
    );
  }
  const plain = type.toObject(decoded, { longs: String, enums: Number, arrays: true, defaults: false });
  const model = convertInt64Fields(type, plain, int64FromWire(source)) as unknown as OnnxModel;
  if (!model.graph) throw onnxFormatError(source, 'decodes as protobuf but has no graph: it is not an ONNX model (or it is truncated).');
  if (model.irVersion === undefined) throw onnxFormatError(source, 'has no ir_version: it is not an ONNX model (or it is corrupt).');
  if (model.opsetImport.length === 0 && model.irVersion >= 3) {
    throw onnxFormatError(source, 'imports no operator set (opset_import is empty); every ONNX model with IR >= 3 needs one.');
  }
  return model;
}

/** Encodes to ModelProto bytes. Protobuf messages cannot exceed 2 GiB: use external data beyond. */
export function serializeModel(model: OnnxModel): Uint8Array {
  const type = onnxMessageType('ModelProto');
  const wire = convertInt64Fields(type, model as unknown as Record<string, unknown>, int64ToWire);
  delete wire.externalDataDirectory;
  const invalid = type.verify(wire);
  if (invalid) throw new TypeError(`OnnxModel does not fit onnx.ModelProto: ${invalid}`);
  return type.encode(type.fromObject(wire)).finish();
}
