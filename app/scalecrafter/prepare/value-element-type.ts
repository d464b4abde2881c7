/**
 * The float element type of an activation in a UNet graph, read without shape inference: the
 * controls that FreeU and Attn-SF add multiply activations by run-time factors, and those factors
 * must be cast to the activation's type (float16 UNets). The type comes from a declaration
 * (graph input, value_info, initializer, Constant, Cast's `to`, an If branch's output) or,
 * through ops whose output has the type of one data input (Add, MatMul, Reshape, Conv, …), from
 * that input — walking back along the activation path to the Cast or graph input that fixed it.
 */
import { TensorDataType } from '../../onnx/data-type.js';
import type { OnnxGraph, OnnxNode } from '../../onnx/model.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

export type ActivationType = 'float32' | 'float16';

/**
 * Ops whose first output has the element type of input `index` (onnx operator spec: one type
 * variable T shared by that input and the output). Where's T is its second input (X).
 */
const TYPE_FROM_INPUT: Readonly<Record<string, number>> = Object.fromEntries([
  ...[
    'Add', 'Sub', 'Mul', 'Div', 'Pow', 'MatMul', 'Gemm', 'Conv', 'ConvTranspose', 'Identity', 'Reshape', 'Transpose', 'Squeeze',
    'Unsqueeze', 'Flatten', 'Expand', 'Concat', 'Split', 'Slice', 'Gather', 'Pad', 'Resize', 'Upsample', 'Tile',
    'Softmax', 'LayerNormalization', 'InstanceNormalization', 'GroupNormalization', 'BatchNormalization', 'SkipLayerNormalization',
    'Relu', 'Sigmoid', 'Tanh', 'Erf', 'Gelu', 'FastGelu', 'BiasGelu', 'BiasAdd', 'Neg', 'Sqrt', 'Exp', 'Sin', 'Cos', 'Abs',
    'ReduceMean', 'ReduceSum', 'MultiHeadAttention', 'Attention', 'GroupNorm', 'BiasSplitGelu', 'QuickGelu', 'Dropout',
  ].map((op) => [op, 0] as const),
  ['Where', 1] as const,
]);

const FLOAT_TYPES: ReadonlyMap<number, ActivationType> = new Map([[TensorDataType.FLOAT, 'float32'], [TensorDataType.FLOAT16, 'float16']]);

function declaredTypes(graph: OnnxGraph): Map<string, number> {
  const declared = new Map<string, number>();
  for (const tensor of graph.initializer) if (tensor.name) declared.set(tensor.name, tensor.dataType);
  for (const info of [...graph.input, ...(graph.valueInfo ?? []), ...graph.output]) {
    const code = info.type?.tensorType?.elemType;
    if (code) declared.set(info.name, code);
  }
  return declared;
}

/** The element type code a node gives output `index`, or the input name to follow instead. */
function fromProducer(node: OnnxNode, index: number): { code: number } | { follow: string } | undefined {
  switch (node.opType) {
    case 'Cast': {
      const to = node.attribute.find((attribute) => attribute.name === 'to')?.i;
      return to === undefined ? undefined : { code: Number(to) };
    }
    case 'Constant': {
      const value = node.attribute.find((attribute) => attribute.name === 'value')?.t;
      return value ? { code: value.dataType } : undefined;
    }
    case 'If': {
      const branch = node.attribute.find((attribute) => attribute.name === 'then_branch')?.g;
      const code = branch?.output[index]?.type?.tensorType?.elemType;
      return code ? { code } : undefined;
    }
    default: {
      const input = TYPE_FROM_INPUT[node.opType];
      const name = input === undefined ? undefined : node.input[input];
      return name ? { follow: name } : undefined;
    }
  }
}

/** Resolves element types of values of one graph; reuse it for many lookups (it indexes the graph once). */
export class ElementTypeResolver {
  private readonly declared: Map<string, number>;
  private readonly producers = new Map<string, { node: OnnxNode; index: number }>();

  constructor(private readonly graph: OnnxGraph) {
    this.declared = declaredTypes(graph);
    for (const node of graph.node) node.output.forEach((output, index) => output && this.producers.set(output, { node, index }));
  }

  /** float32 or float16; throws UserFacingError for other types or when the walk finds no declaration. */
  activationType(value: string): ActivationType {
    let current = value;
    const visited = new Set<string>();
    for (;;) {
      const declared = this.declared.get(current);
      if (declared !== undefined) return this.asFloat(value, declared);
      const producer = this.producers.get(current);
      if (!producer || visited.has(current)) {
        throw new UserFacingError(`the element type of '${value}' cannot be read from the graph '${this.graph.name ?? ''}': '${current}' has no declared type and no producer`);
      }
      visited.add(current);
      const step = fromProducer(producer.node, producer.index);
      if (step === undefined) {
        throw new UserFacingError(
          `the element type of '${value}' cannot be read from the graph: it depends on '${current}', an output of ${producer.node.opType} node ` +
            `'${producer.node.name ?? ''}', an op this pass does not follow (add a value_info for '${value}' to the model)`,
        );
      }
      if ('code' in step) return this.asFloat(value, step.code);
      current = step.follow;
    }
  }

  private asFloat(value: string, code: number): ActivationType {
    const type = FLOAT_TYPES.get(code);
    if (type === undefined) throw new UserFacingError(`'${value}' has element type code ${code}; only float32 and float16 activations can take these controls`);
    return type;
  }
}
