// Builds ONNX graphs from code, named the way torch.onnx.export (TorchScript) names them, so a
// graph we build and one exported from diffusers look alike to every later pass:
//   node   "/down_blocks.1/resnets.0/conv1/Conv"   (scopes joined by '/', then the op type;
//          a repeat in the same scope becomes "Conv_1", "Conv_2", ...)
//   output "/down_blocks.1/resnets.0/conv1/Conv_output_0"
//   initializer names are the torch parameter names ("down_blocks.1.resnets.0.conv1.weight").
import { toFloat16 } from '../runtime/float16.js';
import { dataTypeCode, type OnnxDataType } from './data-type.js';
import { AttributeType, type OnnxAttribute, type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './model.js';

export type { OnnxDataType } from './data-type.js';
export type { OnnxModel } from './model.js';

/** A tensor value in the graph under construction (graph input, initializer or node output). */
export interface Value {
  readonly name: string;
}

/** Attribute values are tagged so ints and floats can never be confused (epsilon: {float: 1}). */
export type AttributeValue =
  | { readonly int: number | bigint }
  | { readonly ints: ReadonlyArray<number | bigint> }
  | { readonly float: number }
  | { readonly floats: readonly number[] }
  | { readonly string: string }
  | { readonly strings: readonly string[] }
  | { readonly tensor: OnnxTensor }
  | { readonly graph: OnnxGraph };

export type TensorData = Float32Array | Uint16Array | Int32Array | BigInt64Array | Uint8Array;
export type Shape = ReadonlyArray<number | string>;

export interface GraphBuilderOptions {
  graphName: string;
  /** default-domain (ai.onnx) opset; default 20 (Gelu) */
  opset?: number;
  /** com.microsoft opset (MultiHeadAttention); default 1 */
  msOpset?: number;
}

const IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const EXPECTED_ARRAY: Record<OnnxDataType, string> = {
  float32: 'Float32Array',
  float16: 'Float32Array (converted) or Uint16Array (float16 bits)',
  int32: 'Int32Array',
  int64: 'BigInt64Array',
  bool: 'Uint8Array of 0/1',
};

/**
 * A TensorProto with raw_data (little-endian, as ONNX requires). A Float32Array given for
 * 'float16' is converted with round-to-nearest-even; other arrays are kept as views, not copied.
 */
export function createTensor(name: string, type: OnnxDataType, dims: readonly number[], data: TensorData): OnnxTensor {
  if (!IS_LITTLE_ENDIAN) throw new Error('ONNX raw_data is little-endian; this host is big-endian and not supported');
  const count = dims.reduce((product, dim) => product * dim, 1);
  if (dims.some((dim) => !Number.isInteger(dim) || dim < 0)) {
    throw new Error(`tensor '${name}': dims [${dims.join(', ')}] must be non-negative integers`);
  }
  let stored: TensorData = data;
  if (type === 'float16' && data instanceof Float32Array) stored = toFloat16(data);
  const matches =
    (type === 'float32' && stored instanceof Float32Array) ||
    (type === 'float16' && stored instanceof Uint16Array) ||
    (type === 'int32' && stored instanceof Int32Array) ||
    (type === 'int64' && stored instanceof BigInt64Array) ||
    (type === 'bool' && stored instanceof Uint8Array);
  if (!matches) {
    throw new Error(`tensor '${name}': type ${type} needs a ${EXPECTED_ARRAY[type]}, got ${data.constructor.name}`);
  }
  if (stored.length !== count) {
    throw new Error(`tensor '${name}': dims [${dims.join(', ')}] hold ${count} elements but the data has ${stored.length}`);
  }
  return {
    name,
    dims: [...dims],
    dataType: dataTypeCode(type),
    rawData: new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength),
  };
}

/** A ValueInfoProto for a tensor; string dims become symbolic (dim_param). */
export function tensorValueInfo(name: string, type: OnnxDataType, shape: Shape): OnnxValueInfo {
  const dim = shape.map((size) => {
    if (typeof size === 'string') return { dimParam: size };
    if (!Number.isInteger(size) || size < 0) throw new Error(`value '${name}': dimension ${size} must be a non-negative integer or a symbolic name`);
    return { dimValue: size };
  });
  return { name, type: { tensorType: { elemType: dataTypeCode(type), shape: { dim } } } };
}

function toAttribute(name: string, value: AttributeValue): OnnxAttribute {
  const utf8 = (text: string) => new TextEncoder().encode(text);
  if ('int' in value) return { name, type: AttributeType.INT, i: BigInt(value.int) };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: value.ints.map((item) => BigInt(item)) };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: [...value.floats] };
  if ('string' in value) return { name, type: AttributeType.STRING, s: utf8(value.string) };
  if ('strings' in value) return { name, type: AttributeType.STRINGS, strings: value.strings.map(utf8) };
  if ('tensor' in value) return { name, type: AttributeType.TENSOR, t: value.tensor };
  return { name, type: AttributeType.GRAPH, g: value.graph };
}

/** IR version that goes with an opset (onnx/helper.py VERSION_TABLE: opset 19-20 -> IR 9, 21-22 -> IR 10). */
function irVersionFor(opset: number): number {
  if (opset >= 23) return 11;
  if (opset >= 21) return 10;
  if (opset >= 19) return 9;
  return 8;
}

interface GraphOutput {
  value: Value;
  info: OnnxValueInfo;
}

export class GraphBuilder {
  readonly graphName: string;
  readonly opset: number;
  readonly msOpset: number;
  private readonly ownValues = new WeakSet<Value>();
  private readonly valueNames = new Set<string>();
  private readonly producers = new Map<string, OnnxNode>();
  private readonly nodeNameCounts = new Map<string, number>();
  private readonly scopes: string[] = [];
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: GraphOutput[] = [];
  private readonly valueInfos: OnnxValueInfo[] = [];

  constructor(options: GraphBuilderOptions) {
    this.graphName = options.graphName;
    this.opset = options.opset ?? 20;
    this.msOpset = options.msOpset ?? 1;
  }

  /** Graph input; string dims are symbolic ("batch", "height"). */
  input(name: string, type: OnnxDataType, shape: Shape): Value {
    this.inputs.push(tensorValueInfo(name, type, shape));
    return this.newValue(name, 'graph input');
  }

  /** Marks `value` as graph output `name` (its producer's output is renamed, as torch does). */
  output(value: Value, name: string, type: OnnxDataType, shape: Shape): void {
    this.checkOwn(value, `output '${name}'`);
    if (this.outputs.some((output) => output.info.name === name)) throw new Error(`graph output '${name}' is declared twice`);
    if (name !== value.name && this.valueNames.has(name)) {
      throw new Error(`graph output '${name}' collides with an existing value of that name`);
    }
    this.outputs.push({ value, info: tensorValueInfo(name, type, shape) });
  }

  /** Weight tensor, named after the torch parameter ("down_blocks.1.resnets.0.conv1.weight"). */
  initializer(name: string, type: OnnxDataType, dims: readonly number[], data: TensorData): Value {
    this.initializers.push(createTensor(name, type, dims, data));
    return this.newValue(name, 'initializer');
  }

  /** Shape/type annotation for an intermediate value (graph.value_info). */
  valueInfo(value: Value, type: OnnxDataType, shape: Shape): void {
    this.checkOwn(value, 'valueInfo');
    this.valueInfos.push(tensorValueInfo(value.name, type, shape));
  }

  /** Adds a node; `null` inputs are omitted optional inputs. Returns its outputs (default: one). */
  node(
    opType: string,
    inputs: ReadonlyArray<Value | null>,
    attributes: Record<string, AttributeValue> = {},
    options: { domain?: string; outputs?: number } = {},
  ): Value[] {
    const name = this.uniqueNodeName(opType);
    inputs.forEach((input, index) => input && this.checkOwn(input, `input ${index} of ${name}`));
    const outputCount = options.outputs ?? 1;
    const outputNames = Array.from({ length: outputCount }, (_, index) => `${name}_output_${index}`);
    const node: OnnxNode = {
      name,
      opType,
      input: inputs.map((input) => input?.name ?? ''),
      output: outputNames,
      attribute: Object.entries(attributes).map(([key, value]) => toAttribute(key, value)),
    };
    if (options.domain) node.domain = options.domain;
    this.nodes.push(node);
    return outputNames.map((outputName) => {
      this.producers.set(outputName, node);
      return this.newValue(outputName, `output of ${name}`);
    });
  }

  /** Runs `fn` inside a module scope: nodes made in it are named "/<outer>/<segment>/<Op>". */
  withScope<T>(segment: string, fn: () => T): T {
    if (segment === '' || segment.includes('/')) throw new Error(`scope segment '${segment}' must be non-empty and contain no '/'`);
    this.scopes.push(segment);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** The current module path in diffusers notation ("down_blocks.1.resnets.0"), '' at the root. */
  get modulePath(): string {
    return this.scopes.join('.');
  }

  build(options: { metadata?: Record<string, string>; producerName?: string } = {}): OnnxModel {
    if (this.outputs.length === 0) throw new Error(`graph '${this.graphName}' has no outputs; call output() first`);
    const renames = new Map<string, string>();
    const nodes = this.nodes.map((node) => ({ ...node }));
    for (const { value, info } of this.outputs) {
      const producer = this.producers.get(value.name);
      if (info.name === value.name) continue;
      if (producer && !renames.has(value.name)) {
        renames.set(value.name, info.name);
      } else {
        // Graph inputs, initializers and values already exported under another name need a copy.
        nodes.push({ name: `/Identity_${info.name}`, opType: 'Identity', input: [value.name], output: [info.name], attribute: [] });
      }
    }
    const rename = (name: string) => renames.get(name) ?? name;
    for (const node of nodes) {
      node.input = node.input.map(rename);
      node.output = node.output.map(rename);
    }
    const graph: OnnxGraph = {
      name: this.graphName,
      node: nodes,
      initializer: [...this.initializers],
      input: [...this.inputs],
      output: this.outputs.map((output) => output.info),
      valueInfo: this.valueInfos.map((info) => ({ ...info, name: rename(info.name) })),
    };
    return {
      irVersion: irVersionFor(this.opset),
      opsetImport: [
        { domain: '', version: this.opset },
        { domain: 'com.microsoft', version: this.msOpset },
      ],
      producerName: options.producerName ?? 'scalecrafter-studio',
      graph,
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    };
  }

  private uniqueNodeName(opType: string): string {
    const base = `/${[...this.scopes, opType].join('/')}`;
    const seen = this.nodeNameCounts.get(base) ?? 0;
    this.nodeNameCounts.set(base, seen + 1);
    return seen === 0 ? base : `${base}_${seen}`;
  }

  private newValue(name: string, what: string): Value {
    if (name === '') throw new Error(`${what}: value names must be non-empty`);
    if (this.valueNames.has(name)) throw new Error(`${what}: a value named '${name}' already exists in graph '${this.graphName}'`);
    this.valueNames.add(name);
    const value: Value = Object.freeze({ name });
    this.ownValues.add(value);
    return value;
  }

  private checkOwn(value: Value, where: string): void {
    if (!this.ownValues.has(value)) {
      throw new Error(`${where}: value '${value.name}' was not created by GraphBuilder '${this.graphName}'; use the Values this builder returns`);
    }
  }
}
