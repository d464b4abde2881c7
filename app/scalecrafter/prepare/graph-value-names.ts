/**
 * Value names of a graph and of every subgraph in it (ONNX values are SSA across scopes: a name
 * may be defined once in the whole model), so a rewrite can refuse a model in which the names
 * it is about to add already exist, find who reads a value, and rename a value's uses wherever
 * they are.
 */
import type { OnnxGraph, OnnxNode } from '../../onnx/model.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

/** Every input, output, initializer and node output name of `graph` and its subgraphs. */
export function graphValueNames(graph: OnnxGraph, names = new Set<string>()): Set<string> {
  for (const item of [...graph.input, ...graph.output]) names.add(item.name);
  for (const tensor of graph.initializer) if (tensor.name) names.add(tensor.name);
  for (const node of graph.node) {
    for (const output of node.output) if (output) names.add(output);
    for (const attribute of node.attribute) {
      if (attribute.g) graphValueNames(attribute.g, names);
      for (const subgraph of attribute.graphs ?? []) graphValueNames(subgraph, names);
    }
  }
  return names;
}

/** Throws when any of `added` is already a value of the model (`what` says which rewrite). */
export function assertNamesFree(existing: ReadonlySet<string>, added: Iterable<string>, what: string): void {
  for (const name of added) {
    if (existing.has(name)) throw new UserFacingError(`${what}: the model already has a value named '${name}', so the rewrite cannot add it`);
  }
}

/** The main-graph nodes that read each value, in graph order. */
export function consumersByValue(graph: OnnxGraph): Map<string, OnnxNode[]> {
  const consumers = new Map<string, OnnxNode[]>();
  for (const node of graph.node) {
    for (const input of node.input) {
      if (!input) continue;
      const readers = consumers.get(input);
      if (readers) readers.push(node);
      else consumers.set(input, [node]);
    }
  }
  return consumers;
}

/** Names of every value the nodes (and their subgraphs) produce. */
export function producedNames(nodes: readonly OnnxNode[]): string[] {
  return nodes.flatMap((node) => [...graphValueNames({ node: [node], initializer: [], input: [], output: [] })]);
}

/**
 * `node` with every use of a value in `renames` (its own inputs and those of its subgraphs, which
 * read outer values by name) replaced by the value it maps to. The same object when nothing changes.
 */
export function renameUses(node: OnnxNode, renames: ReadonlyMap<string, string>): OnnxNode {
  let changed = false;
  const input = node.input.map((name) => {
    const renamed = renames.get(name);
    if (renamed === undefined) return name;
    changed = true;
    return renamed;
  });
  const renameGraph = (graph: OnnxGraph): OnnxGraph => {
    const nodes = graph.node.map((inner) => renameUses(inner, renames));
    if (nodes.every((inner, index) => inner === graph.node[index])) return graph;
    changed = true;
    return { ...graph, node: nodes };
  };
  const attribute = node.attribute.map((item) => {
    if (!item.g && !item.graphs?.length) return item;
    return { ...item, ...(item.g ? { g: renameGraph(item.g) } : {}), ...(item.graphs?.length ? { graphs: item.graphs.map(renameGraph) } : {}) };
  });
  return changed ? { ...node, input, attribute } : node;
}
