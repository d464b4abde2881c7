/**
 * ComfyUI subgraphs as both sides see them: a workflow's `definitions.subgraphs` lists each
 * definition once (nested ones may sit in a definition's own `definitions`), and a node whose type is
 * a definition's id is an instance of it. Inside a definition, links from node −10 start at the
 * subgraph's inputs and links to node −20 end at its outputs (litegraph's SubgraphInputNode /
 * SubgraphOutputNode ids). An instance keeps its promoted widgets' values, in the order of its
 * widget-bearing inputs, under SUBGRAPH_WIDGET_VALUES_PROPERTY (ComfyUI's `widgets_values`).
 */
export const SUBGRAPH_INPUT_NODE_ID = -10;
export const SUBGRAPH_OUTPUT_NODE_ID = -20;
export const SUBGRAPH_WIDGET_VALUES_PROPERTY = 'comfyui_widgets_values';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The raw definitions a graph (the workflow, or a definition holding nested ones) carries; a new array, free to change. */
export function rawSubgraphsOf(graph: Record<string, unknown>): unknown[] {
  const definitions = graph.definitions;
  return isRecord(definitions) && Array.isArray(definitions.subgraphs) ? [...(definitions.subgraphs as unknown[])] : [];
}
