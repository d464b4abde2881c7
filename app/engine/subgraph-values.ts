/**
 * Setting a widget value inside a subgraph, where ComfyUI's frontend keeps it: an inner node's
 * widget lives in its definition (shared by every instance, as editing inside a subgraph edits the
 * definition), named by an execution path `40:6` (instance 40, its inner node 6; deeper paths
 * through nested instances); a promoted widget's value lives on the instance, in its
 * `widgets_values` at the place of its widget-bearing input (the linked-input form).
 */
import { withDefinition, type WidgetValue, type Workflow, type WorkflowNode } from '../protocol/index.js';
import { rawSubgraphsOf } from './subgraph-definitions.js';

export { promotedIndex, withPromotedValue } from '../protocol/index.js';

type RawGraph = Record<string, unknown> & { nodes?: unknown };

/** The definition ids along an execution path's instances, or a reason it names none. */
function definitionPath(workflow: Workflow, path: readonly number[]): string[] | string {
  const ids: string[] = [];
  let nodes: readonly WorkflowNode[] = workflow.nodes;
  for (const id of path.slice(0, -1)) {
    const instance = nodes.find((node) => node.id === id);
    const definition = instance && findDefinition(workflow, instance.type);
    if (!definition) return `${[...path.slice(0, ids.length), id].join(':')} is not a subgraph instance`;
    ids.push(instance.type);
    nodes = Array.isArray(definition.nodes) ? (definition.nodes as WorkflowNode[]) : [];
  }
  return nodes.some((node) => node.id === path.at(-1)) ? ids : `the subgraph has no node ${path.at(-1)}`;
}

function findDefinition(graph: RawGraph, id: string): RawGraph | undefined {
  for (const raw of rawSubgraphsOf(graph)) {
    if (typeof raw !== 'object' || raw === null) continue;
    const definition = raw as RawGraph;
    if (definition.id === id) return definition;
    const nested = findDefinition(definition, id);
    if (nested) return nested;
  }
  return undefined;
}

/** Sets widget `widget` of the inner node at execution path `path` (at least two ids); a string says why it cannot. */
export function withInnerWidget(workflow: Workflow, path: readonly number[], widget: string, value: WidgetValue): Workflow | string {
  const ids = definitionPath(workflow, path);
  if (typeof ids === 'string') return ids;
  const nodeId = path.at(-1);
  const setNode = (definition: RawGraph): RawGraph => ({
    ...definition,
    nodes: (definition.nodes as WorkflowNode[]).map((node) => (node.id === nodeId ? { ...node, widgets: { ...node.widgets, [widget]: value } } : node)),
  });
  return withDefinition(workflow, ids.at(-1)!, setNode);
}
