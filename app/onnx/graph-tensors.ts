// Visits every TensorProto of a graph — initializers, Constant/attribute tensors, and those of
// subgraphs (If/Loop bodies) — and rebuilds the graph with the tensors the visitor returns.
// Subgraphs matter here: a UNet prepared with one If per conv keeps initializers in branches.
import type { OnnxAttribute, OnnxGraph, OnnxTensor } from './model.js';

export type TensorRole = 'initializer' | 'attribute';
export type TensorVisitor = (tensor: OnnxTensor, role: TensorRole) => Promise<OnnxTensor>;

async function mapAttribute(attribute: OnnxAttribute, visit: TensorVisitor): Promise<OnnxAttribute> {
  const out: OnnxAttribute = { ...attribute };
  if (attribute.t) out.t = await visit(attribute.t, 'attribute');
  if (attribute.tensors?.length) out.tensors = await mapSequential(attribute.tensors, (tensor) => visit(tensor, 'attribute'));
  if (attribute.g) out.g = await mapGraphTensors(attribute.g, visit);
  if (attribute.graphs?.length) out.graphs = await mapSequential(attribute.graphs, (graph) => mapGraphTensors(graph, visit));
  return out;
}

/** One at a time, in order: visitors append to a sidecar, so order fixes the file layout. */
async function mapSequential<T, U>(items: readonly T[], fn: (item: T) => Promise<U>): Promise<U[]> {
  const out: U[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}

export async function mapGraphTensors(graph: OnnxGraph, visit: TensorVisitor): Promise<OnnxGraph> {
  const initializer = await mapSequential(graph.initializer, (tensor) => visit(tensor, 'initializer'));
  const node = await mapSequential(graph.node, async (item) => ({
    ...item,
    attribute: await mapSequential(item.attribute, (attribute) => mapAttribute(attribute, visit)),
  }));
  return { ...graph, initializer, node };
}

/** Every tensor of the graph and its subgraphs, without rebuilding anything. */
export function* graphTensors(graph: OnnxGraph): Generator<{ tensor: OnnxTensor; role: TensorRole }> {
  for (const tensor of graph.initializer) yield { tensor, role: 'initializer' };
  for (const node of graph.node) {
    for (const attribute of node.attribute) {
      if (attribute.t) yield { tensor: attribute.t, role: 'attribute' };
      for (const tensor of attribute.tensors ?? []) yield { tensor, role: 'attribute' };
      if (attribute.g) yield* graphTensors(attribute.g);
      for (const subgraph of attribute.graphs ?? []) yield* graphTensors(subgraph);
    }
  }
}
