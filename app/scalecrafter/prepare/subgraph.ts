/**
 * Builds pieces of graph that live inside an existing model: the nodes that replace one conv in
 * the main graph, and the branches of its `If` nodes. Both read values of the enclosing graph by
 * name (ONNX scoping: a subgraph may use any value visible in its outer graphs) without declaring
 * them as inputs; an If branch has no inputs at all (onnx/docs/Operators.md, If).
 *
 * GraphBuilder only accepts Values it created, so each outer name is registered once as a
 * placeholder input and the placeholder is dropped when the piece is built. Node names get the
 * piece's scope ("/down_blocks.1/resnets.0/conv1/scalecrafter/on/Conv"); value names derive from
 * node names, so distinct scopes keep every name in the model unique.
 */
import { GraphBuilder, type Value } from '../../onnx/graph-builder.js';
import { dataTypeCode, TensorDataType, type OnnxDataType } from '../../onnx/data-type.js';
import type { OnnxGraph, OnnxNode, OnnxTensor, OnnxValueInfo } from '../../onnx/model.js';

/** Reads a value of an enclosing graph by name. */
export type OuterValue = (name: string) => Value;

/** The builder's element types, plus float64 (control arithmetic, control-values.ts). */
export type PieceOutputType = OnnxDataType | 'float64';

export interface PieceOutput {
  readonly value: Value;
  /** the name the value gets (for a branch: its output name; in the main graph: the value it replaces) */
  readonly name: string;
  readonly type: PieceOutputType;
}

export interface PieceSpec {
  readonly graphName: string;
  /** node-name scope segments, e.g. ['down_blocks.1', 'resnets.0', 'conv1', 'scalecrafter', 'on'] */
  readonly scope: readonly string[];
  readonly opset: number;
  readonly body: (g: GraphBuilder, outer: OuterValue) => PieceOutput[];
}

export interface GraphPiece {
  readonly nodes: OnnxNode[];
  readonly initializers: OnnxTensor[];
  readonly outputs: OnnxValueInfo[];
}

const elementTypeCode = (type: PieceOutputType) => (type === 'float64' ? TensorDataType.DOUBLE : dataTypeCode(type));

/** Nodes and initializers of `spec.body`, outer values referenced by name. */
export function buildPiece(spec: PieceSpec): GraphPiece {
  const g = new GraphBuilder({ graphName: spec.graphName, opset: spec.opset });
  const outerValues = new Map<string, Value>();
  const outer: OuterValue = (name) => {
    let value = outerValues.get(name);
    if (!value) {
      // The type and shape are never written: the placeholder input is dropped below.
      value = g.input(name, 'float32', []);
      outerValues.set(name, value);
    }
    return value;
  };
  const enter = (depth: number): PieceOutput[] =>
    depth === spec.scope.length ? spec.body(g, outer) : g.withScope(spec.scope[depth]!, () => enter(depth + 1));
  const outputs = enter(0);
  // output() renames the producing node's output; the ValueInfo it makes is dropped, so its type
  // only has to be one the builder knows (it has no float64).
  for (const output of outputs) g.output(output.value, output.name, output.type === 'float64' ? 'float32' : output.type, []);
  const graph = g.build().graph;
  return {
    nodes: graph.node,
    initializers: graph.initializer,
    // Element type only: the spatial size of a re-dilated conv's values depends on run-time controls.
    outputs: outputs.map((output) => ({ name: output.name, type: { tensorType: { elemType: elementTypeCode(output.type) } } })),
  };
}

/** An If branch: a graph without inputs whose outputs are the piece's outputs. */
export function buildBranch(spec: PieceSpec): OnnxGraph {
  const piece = buildPiece(spec);
  return { name: spec.graphName, node: piece.nodes, initializer: piece.initializers, input: [], output: piece.outputs };
}
