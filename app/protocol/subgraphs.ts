/**
 * ComfyUI subgraphs as both sides see them: a workflow's `definitions.subgraphs` lists each
 * definition once (nested ones may sit in a definition's own `definitions`), and a node whose type is
 * a definition's id is an instance of it. Inside a definition, links from node −10 start at the
 * subgraph's inputs and links to node −20 end at its outputs (litegraph's SubgraphInputNode /
 * SubgraphOutputNode ids). An instance keeps its promoted widgets' values, in the order of its
 * widget-bearing inputs, under SUBGRAPH_WIDGET_VALUES_PROPERTY (ComfyUI's `widgets_values`).
 */
import { z } from 'zod';
import { workflowNodeSchema, type WidgetValue, type WorkflowNode } from './workflow.js';

export const SUBGRAPH_INPUT_NODE_ID = -10;
export const SUBGRAPH_OUTPUT_NODE_ID = -20;
export const SUBGRAPH_WIDGET_VALUES_PROPERTY = 'comfyui_widgets_values';
/** The older form of an instance's promoted widgets ([inner node id, widget] pairs), which the frontend migrates on load. */
export const PROXY_WIDGETS_PROPERTY = 'proxyWidgets';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The raw definitions a graph (the workflow, or a definition holding nested ones) carries; a new array, free to change. */
export function rawSubgraphsOf(graph: Record<string, unknown>): unknown[] {
  const definitions = graph.definitions;
  return isRecord(definitions) && Array.isArray(definitions.subgraphs) ? [...(definitions.subgraphs as unknown[])] : [];
}

const boundarySlotSchema = z.looseObject({ name: z.string(), type: z.string() });

/** Links inside a definition may start at the input node or end at the output node (negative ids). */
export const subgraphLinkSchema = z.looseObject({
  id: z.number().int(),
  origin_id: z.number().int(),
  origin_slot: z.number().int().nonnegative(),
  target_id: z.number().int(),
  target_slot: z.number().int().nonnegative(),
  type: z.string(),
});

export const subgraphDefinitionSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().default(''),
  inputs: z.array(boundarySlotSchema).default([]),
  outputs: z.array(boundarySlotSchema).default([]),
  nodes: z.array(workflowNodeSchema).default([]),
  links: z.array(subgraphLinkSchema).default([]),
});

export type SubgraphDefinition = z.infer<typeof subgraphDefinitionSchema>;
export type SubgraphLink = z.infer<typeof subgraphLinkSchema>;

/**
 * Every definition by id: the workflow's own, and any a definition nests in its own `definitions`.
 * One that does not parse is left out: its instances then stay unknown types, which validation names.
 */
export function subgraphDefinitions(workflow: Record<string, unknown>): Map<string, SubgraphDefinition> {
  const found = new Map<string, SubgraphDefinition>();
  const pending = rawSubgraphsOf(workflow);
  while (pending.length > 0) {
    const parsed = subgraphDefinitionSchema.safeParse(pending.shift());
    if (!parsed.success || found.has(parsed.data.id)) continue;
    found.set(parsed.data.id, parsed.data);
    pending.push(...rawSubgraphsOf(parsed.data));
  }
  return found;
}

/** `graph` with the definition `id` (at any depth) replaced by `change` of it. */
export function withDefinition<T extends Record<string, unknown>>(graph: T, id: string, change: (definition: Record<string, unknown>) => Record<string, unknown>): T {
  const subgraphs = rawSubgraphsOf(graph);
  if (subgraphs.length === 0) return graph;
  const changed = subgraphs.map((raw) => {
    if (!isRecord(raw)) return raw;
    return raw.id === id ? change(raw) : withDefinition(raw, id, change);
  });
  return { ...graph, definitions: { ...(graph.definitions as object), subgraphs: changed } };
}

/** The place of promoted input `name` among the instance's widget-bearing inputs, or −1. */
export function promotedIndex(instance: WorkflowNode, name: string): number {
  const promoted = instance.inputs.filter((input) => typeof input.widget === 'object' && input.widget !== null);
  return promoted.findIndex((input) => input.name === name);
}

/** The instance with its value for the promoted input at `index` set. */
export function withPromotedValue(instance: WorkflowNode, index: number, value: WidgetValue): WorkflowNode {
  const saved = instance.properties[SUBGRAPH_WIDGET_VALUES_PROPERTY];
  const values: unknown[] = Array.isArray(saved) ? [...saved] : [];
  values[index] = value;
  return { ...instance, properties: { ...instance.properties, [SUBGRAPH_WIDGET_VALUES_PROPERTY]: values } };
}

/** The inner node and widget the subgraph's input `slot` feeds (its first link). */
export function innerTarget(definition: SubgraphDefinition, slot: number): { node: WorkflowNode; widget: string } | undefined {
  const link = definition.links.find((candidate) => candidate.origin_id === SUBGRAPH_INPUT_NODE_ID && candidate.origin_slot === slot);
  const node = link && definition.nodes.find((candidate) => candidate.id === link.target_id);
  const widget = link && node?.inputs[link.target_slot]?.name;
  return node && widget ? { node, widget } : undefined;
}
