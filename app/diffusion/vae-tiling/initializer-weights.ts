/**
 * A WeightSource over the initializers of an existing vae_decoder model.onnx, so that the tiled
 * decoder's segments (app/models/sd/vae-segments.ts) carry exactly the weights of the decoder the
 * pipeline would run whole. A parameter is found
 *   1. by its diffusers name, which our builder writes and torch.onnx.export keeps for parameters
 *      used as they are (convolutions, most biases);
 *   2. as "<name>.T", our builder's transposed Linear weight (layer-context.ts);
 *   3. by the module it belongs to, for parameters torch's constant folding renamed
 *      ("onnx::Mul_1234": a GroupNorm weight unsqueezed to [C, 1, 1], a Linear weight transposed
 *      for MatMul): the node's module path (inspect.ts modulePathOfNode — TorchScript node names
 *      or dynamo name scopes) and its role there: Conv input 1 / 2, MatMul's weight (stored
 *      [in, out]), Gemm's, or the Mul / Add that apply a norm's weight / bias or a Linear's bias.
 * Bytes are read once when the source is opened (external data included).
 */
import { dataTypeName, TensorDataType } from '../../onnx/data-type.js';
import { modulePathOfNode } from '../../onnx/inspect.js';
import type { OnnxNode } from '../../onnx/model.js';
import { readModel } from '../../onnx/model-io.js';
import { readTensorBytes } from '../../onnx/tensor-data.js';
import { fromFloat16 } from '../../runtime/float16.js';
import type { FloatType } from '../../models/sd/layers/layer-context.js';
import { formatShape, weightError, type WeightSource } from '../../models/weights/weight-source.js';

interface StoredTensor {
  dims: number[];
  dataType: number;
  bytes: Uint8Array;
}

const HINT = 'tiled decoding rebuilds the decoder from its named parameters; this export renamed or folded them — set tile_size to 0 to decode it whole';

export class InitializerWeights implements WeightSource {
  readonly description: string;
  readonly #tensors: ReadonlyMap<string, StoredTensor>;
  readonly #nodesByModule: ReadonlyMap<string, readonly OnnxNode[]>;

  private constructor(modelPath: string, tensors: ReadonlyMap<string, StoredTensor>, nodes: readonly OnnxNode[]) {
    this.description = `initializers of ${modelPath}`;
    this.#tensors = tensors;
    const byModule = new Map<string, OnnxNode[]>();
    for (const node of nodes) {
      const module = modulePathOfNode(node);
      if (module !== undefined) byModule.set(module, [...(byModule.get(module) ?? []), node]);
    }
    this.#nodesByModule = byModule;
  }

  static async open(modelPath: string): Promise<InitializerWeights> {
    const model = await readModel(modelPath);
    const tensors = new Map<string, StoredTensor>();
    for (const tensor of model.graph.initializer) {
      if (!tensor.name) continue;
      const bytes = await readTensorBytes(tensor, { baseDirectory: model.externalDataDirectory });
      tensors.set(tensor.name, { dims: tensor.dims, dataType: tensor.dataType, bytes });
    }
    return new InitializerWeights(modelPath, tensors, model.graph.node);
  }

  /** The float type of a convolution weight (the segments are built in the decoder's own precision). */
  floatTypeOf(name: string, shape: readonly number[]): FloatType {
    const { stored } = this.#find(name, shape) ?? this.#notFound(name, shape);
    if (stored.dataType === TensorDataType.FLOAT16) return 'float16';
    if (stored.dataType === TensorDataType.FLOAT) return 'float32';
    throw weightError('unsupported_dtype', name, this.description, `is ${dataTypeName(stored.dataType)}`, 'the decoder must store float32 or float16 weights');
  }

  tensor(name: string, shape: readonly number[]): Float32Array {
    const found = this.#find(name, shape) ?? this.#notFound(name, shape);
    const values = this.#values(found.name, found.stored);
    return found.transposed ? transpose(values, shape[1]!, shape[0]!) : values;
  }

  #notFound(name: string, shape: readonly number[]): never {
    const direct = this.#tensors.get(name);
    if (direct) throw weightError('wrong_shape', name, this.description, `has shape ${formatShape(direct.dims)} but ${formatShape(shape)} was expected`, 'vae_decoder/config.json does not describe this model');
    throw weightError('missing', name, this.description, 'is missing', HINT);
  }

  /** The initializer holding parameter `name` of torch shape `shape`, and whether it is stored transposed. */
  #find(name: string, shape: readonly number[]): { name: string; stored: StoredTensor; transposed: boolean } | undefined {
    const candidates: Array<{ name: string | undefined; transposed: boolean }> = [
      { name, transposed: false },
      { name: `${name}.T`, transposed: true },
      ...this.#byRole(name, shape),
    ];
    for (const candidate of candidates) {
      const stored = candidate.name === undefined ? undefined : this.#tensors.get(candidate.name);
      if (!stored) continue;
      // A norm's [C] may be stored [C, 1, 1] for broadcasting: same values, same non-unit sizes.
      const expected = candidate.transposed ? [shape[1]!, shape[0]!] : shape;
      if (sameSizes(stored.dims, expected)) return { name: candidate.name!, stored, transposed: candidate.transposed };
    }
    return undefined;
  }

  /** Initializers that play the role of `name` in its module's nodes (see the header). */
  #byRole(name: string, shape: readonly number[]): Array<{ name: string | undefined; transposed: boolean }> {
    const dot = name.lastIndexOf('.');
    const leaf = name.slice(dot + 1);
    const nodes = this.#nodesByModule.get(name.slice(0, dot)) ?? [];
    const inputsOf = (opType: string, index?: number) =>
      nodes.filter((node) => node.opType === opType).flatMap((node) => (index === undefined ? node.input : [node.input[index]])).filter((input) => input && this.#tensors.has(input));
    if (leaf === 'weight' && shape.length === 4) return inputsOf('Conv', 1).map((input) => ({ name: input, transposed: false }));
    if (leaf === 'weight' && shape.length === 2) {
      return [...inputsOf('MatMul').map((input) => ({ name: input, transposed: true })), ...inputsOf('Gemm', 1).flatMap((input) => [{ name: input, transposed: false }, { name: input, transposed: true }])];
    }
    if (leaf === 'weight') return inputsOf('Mul').map((input) => ({ name: input, transposed: false }));
    if (leaf === 'bias') return [...inputsOf('Conv', 2), ...inputsOf('Gemm', 2), ...inputsOf('Add')].map((input) => ({ name: input, transposed: false }));
    return [];
  }

  #values(name: string, stored: StoredTensor): Float32Array {
    const copy = new Uint8Array(stored.bytes).buffer;
    if (stored.dataType === TensorDataType.FLOAT) return new Float32Array(copy);
    if (stored.dataType === TensorDataType.FLOAT16) return fromFloat16(new Uint16Array(copy));
    throw weightError('unsupported_dtype', name, this.description, `is ${dataTypeName(stored.dataType)}`, 'the decoder must store float32 or float16 weights');
  }
}

function sameSizes(dims: readonly number[], shape: readonly number[]): boolean {
  const significant = (sizes: readonly number[]) => sizes.filter((size) => size !== 1).join(',');
  return significant(dims) === significant(shape) && dims.reduce((a, b) => a * b, 1) === shape.reduce((a, b) => a * b, 1);
}

/** [rows, columns] row-major → [columns, rows]. */
function transpose(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) out[c * rows + r] = values[r * columns + c]!;
  }
  return out;
}
