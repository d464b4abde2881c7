/**
 * The canvas's plain graph → the workflow file (app/protocol/workflow.ts): widgets by name, seed
 * controls in widget_controls, a node-type version per node. Converted-widget slots without a
 * link are a canvas affordance, not data, so they are left out and link target slots renumbered
 * to the inputs written. Output is sorted by id so that equal graphs serialise to equal files.
 */
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, SEED_CONTROLS, type NodeSchema, type SeedControl, type Workflow, type WorkflowNode } from '../../../app/protocol/index.js';
import { CARRIED_WORKFLOW_KEYS, type CanvasGraph, type CanvasNode } from './canvas-state.js';
import { definitionFromCanvas, withDefinitions, withoutUnusedDefinitions } from './subgraph-definitions.js';
import { instanceFileProperties } from './subgraph-instances.js';

/** Subgraph definitions' names by id: a node of such a type is an instance. */
type SubgraphNames = ReadonlyMap<string, string>;

export function canvasToWorkflow(graph: CanvasGraph, schemas: ReadonlyMap<string, NodeSchema>): Workflow {
  const names: SubgraphNames = new Map(graph.subgraphs.map((subgraph) => [subgraph.id, subgraph.name]));
  const workflow = graphToWorkflow(graph, schemas, names);
  if (graph.subgraphs.length === 0) return workflow;
  const edited = new Map(graph.subgraphs.map((subgraph) => [subgraph.id, definitionFromCanvas(subgraph, (inner) => graphToWorkflow(inner, schemas, names))]));
  // Definitions no instance uses any more are dropped as ComfyUI drops them (an undo brings them back).
  return withoutUnusedDefinitions({ ...workflow, definitions: withDefinitions(workflow, edited) });
}

function graphToWorkflow(graph: CanvasGraph, schemas: ReadonlyMap<string, NodeSchema>, names: SubgraphNames): Workflow {
  const slotMaps = new Map<number, Map<number, number>>();
  const nodes = [...graph.nodes]
    .sort((a, b) => a.id - b.id)
    .map((node) => {
      const name = names.get(node.type);
      const { node: written, canvasSlotToFile } = name === undefined ? toWorkflowNode(node, schemas.get(node.type)) : toInstanceNode(node, name);
      slotMaps.set(node.id, canvasSlotToFile);
      return written;
    });
  const links = [...graph.links]
    .sort((a, b) => a.id - b.id)
    .map((link) => ({ ...link, target_slot: slotMaps.get(link.target_id)?.get(link.target_slot) ?? link.target_slot }));
  const { [CARRIED_WORKFLOW_KEYS]: carried, ...extra } = graph.extra;
  return {
    ...(typeof carried === 'object' && carried !== null ? structuredClone(carried as Record<string, unknown>) : {}),
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    last_node_id: Math.max(graph.lastNodeId, 0, ...nodes.map((node) => node.id)),
    last_link_id: Math.max(graph.lastLinkId, 0, ...links.map((link) => link.id)),
    nodes,
    links,
    groups: graph.groups.map((group) => ({
      ...structuredClone(group.extra),
      title: group.title,
      bounding: [...group.bounding],
      ...(group.color === undefined ? {} : { color: group.color }),
    })),
    extra: structuredClone(extra),
  };
}

function toWorkflowNode(node: CanvasNode, schema: NodeSchema | undefined): { node: WorkflowNode; canvasSlotToFile: Map<number, number> } {
  const canvasSlotToFile = new Map<number, number>();
  const inputs: WorkflowNode['inputs'] = [];
  node.inputs.forEach((input, canvasSlot) => {
    if (input.widget && input.link === null) return;
    canvasSlotToFile.set(canvasSlot, inputs.length);
    inputs.push({ name: input.name, type: input.type, link: input.link });
  });
  const widgets: WorkflowNode['widgets'] = {};
  const controls: WorkflowNode['widget_controls'] = {};
  for (const widget of node.widgets) {
    if (widget.controlOf === undefined) widgets[widget.name] = widget.value;
    else if (isSeedControl(widget.value)) controls[widget.controlOf] = widget.value;
  }
  const written: WorkflowNode = {
    ...structuredClone(node.extra),
    id: node.id,
    type: node.type,
    version: schema?.version ?? node.version,
    pos: [round(node.pos[0]), round(node.pos[1])],
    size: [round(node.size[0]), round(node.size[1])],
    mode: toMode(node.mode),
    inputs,
    outputs: node.outputs.map((output) => ({ name: output.name, type: output.type, links: [...(output.links ?? [])] })),
    widgets,
    widget_controls: controls,
    properties: structuredClone(node.properties),
  };
  // The display name is the default title; only a title the user gave is worth storing.
  if (node.title !== (schema?.displayName ?? node.type)) written.title = node.title;
  if (Object.keys(node.flags).length > 0) written.flags = structuredClone(node.flags);
  if (node.color !== undefined) written.color = node.color;
  if (node.bgcolor !== undefined) written.bgcolor = node.bgcolor;
  return { node: written, canvasSlotToFile };
}

/** A subgraph instance keeps every input (each is one of the definition's) and its promoted values as ComfyUI does. */
function toInstanceNode(node: CanvasNode, name: string): { node: WorkflowNode; canvasSlotToFile: Map<number, number> } {
  const { node: written } = toWorkflowNode({ ...node, inputs: [], widgets: [], properties: instanceFileProperties(node) }, undefined);
  written.inputs = node.inputs.map((input) => ({ name: input.name, type: input.type, link: input.link, ...(input.widget ? { widget: { name: input.widget.name } } : {}) }));
  if (node.title === name) delete written.title;
  return { node: written, canvasSlotToFile: new Map(node.inputs.map((_input, slot) => [slot, slot])) };
}

const isSeedControl = (value: unknown): value is SeedControl => (SEED_CONTROLS as readonly unknown[]).includes(value);

/** litegraph keeps positions in Float32Arrays; two decimals keep files readable and diffs stable. */
const round = (value: number) => Math.round(value * 100) / 100;

function toMode(mode: number): WorkflowNode['mode'] {
  return mode === 1 || mode === 2 || mode === 3 || mode === 4 ? mode : 0;
}
