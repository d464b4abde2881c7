/**
 * Workflow file → the canvas's plain graph. Widget values are matched by name; inputs are laid out
 * as the node type declares them (sockets, then a converted-widget slot per widget, as ComfyUI's
 * canvas does), so a file written by an older version — or by ComfyUI — gets today's sockets, and
 * links are re-pointed by input name rather than trusted by position.
 */
import { controlDefaultOf, linkTypeOf, type NodeSchema, type Workflow, type WorkflowNode } from '../../../app/protocol/index.js';
import { CARRIED_WORKFLOW_KEYS, controlWidgetName, type CanvasGraph, type CanvasInput, type CanvasLink, type CanvasNode, type CanvasWidget } from './canvas-state.js';
import { allDefinitions, definitionToCanvas } from './subgraph-definitions.js';
import { instanceProperties, promotedWidgets } from './subgraph-instances.js';

/** Subgraph definitions' names by id: a node of such a type is an instance. */
type SubgraphNames = ReadonlyMap<string, string>;

/** Keys of a workflow node that the canvas models; any other key is carried in `extra`. */
const MODELLED_NODE_KEYS = new Set(['id', 'type', 'version', 'title', 'pos', 'size', 'mode', 'inputs', 'outputs', 'widgets', 'widget_controls', 'properties', 'flags', 'color', 'bgcolor']);
const MODELLED_GROUP_KEYS = new Set(['title', 'bounding', 'color']);
const MODELLED_WORKFLOW_KEYS = new Set(['format', 'version', 'last_node_id', 'last_link_id', 'nodes', 'links', 'groups', 'extra']);

export function workflowToCanvas(workflow: Workflow, schemas: ReadonlyMap<string, NodeSchema>): CanvasGraph {
  const definitions = allDefinitions(workflow);
  const names: SubgraphNames = new Map(definitions.map((definition) => [definition.id, typeof definition.name === 'string' ? definition.name : '']));
  return {
    ...graphToCanvas(workflow, schemas, names),
    subgraphs: definitions.map((definition) => definitionToCanvas(definition, (body) => graphToCanvas(body, schemas, names))),
  };
}

function graphToCanvas(workflow: Workflow, schemas: ReadonlyMap<string, NodeSchema>, names: SubgraphNames): CanvasGraph {
  const slotMaps = new Map<number, Map<number, number>>();
  const nodes = workflow.nodes.map((node) => {
    const schema = schemas.get(node.type);
    const { inputs, fileSlotToCanvas } = schema ? canvasInputs(node, schema) : { inputs: node.inputs.map(copyInput), fileSlotToCanvas: identity(node.inputs.length) };
    slotMaps.set(node.id, fileSlotToCanvas);
    const name = names.get(node.type);
    return name === undefined ? toCanvasNode(node, schema, inputs) : toInstanceNode(node, name, inputs);
  });
  const links: CanvasLink[] = workflow.links.map((link) => ({
    id: link.id,
    origin_id: link.origin_id,
    origin_slot: link.origin_slot,
    target_id: link.target_id,
    target_slot: slotMaps.get(link.target_id)?.get(link.target_slot) ?? link.target_slot,
    type: link.type,
  }));
  return {
    lastNodeId: Math.max(workflow.last_node_id, ...workflow.nodes.map((node) => node.id)),
    lastLinkId: Math.max(workflow.last_link_id, ...workflow.links.map((link) => link.id)),
    nodes,
    links,
    groups: workflow.groups.map((group) => ({
      title: group.title,
      bounding: [...group.bounding],
      ...(group.color === undefined ? {} : { color: group.color }),
      extra: pickExtra(group, MODELLED_GROUP_KEYS),
    })),
    extra: { ...structuredClone(workflow.extra), ...carriedWorkflowKeys(workflow) },
    subgraphs: [],
  };
}

function carriedWorkflowKeys(workflow: Workflow): Record<string, unknown> {
  const carried = pickExtra(workflow, MODELLED_WORKFLOW_KEYS);
  return Object.keys(carried).length > 0 ? { [CARRIED_WORKFLOW_KEYS]: carried } : {};
}

function toCanvasNode(node: WorkflowNode, schema: NodeSchema | undefined, inputs: CanvasInput[]): CanvasNode {
  const color = typeof node.color === 'string' ? node.color : undefined;
  const bgcolor = typeof node.bgcolor === 'string' ? node.bgcolor : undefined;
  return {
    id: node.id,
    type: node.type,
    version: node.version,
    title: node.title ?? schema?.displayName ?? node.type,
    pos: [node.pos[0], node.pos[1]],
    size: [node.size[0], node.size[1]],
    mode: node.mode,
    flags: isRecord(node.flags) ? structuredClone(node.flags) : {},
    ...(color === undefined ? {} : { color }),
    ...(bgcolor === undefined ? {} : { bgcolor }),
    inputs,
    outputs: canvasOutputs(node, schema),
    widgets: schema ? schemaWidgets(node, schema) : fileWidgets(node),
    properties: structuredClone(node.properties),
    extra: pickExtra(node, MODELLED_NODE_KEYS),
  };
}

/** A subgraph instance: titled by its definition unless renamed, its promoted values as widgets. */
function toInstanceNode(node: WorkflowNode, name: string, inputs: CanvasInput[]): CanvasNode {
  const plain = toCanvasNode({ ...node, title: node.title ?? name, widgets: {}, widget_controls: {}, properties: instanceProperties(node) }, undefined, inputs);
  return { ...plain, widgets: promotedWidgets(node) };
}

/** The schema's inputs in order, each carrying the file's link for the input of that name. */
function canvasInputs(node: WorkflowNode, schema: NodeSchema): { inputs: CanvasInput[]; fileSlotToCanvas: Map<number, number> } {
  const inputs: CanvasInput[] = schema.inputs.map((spec) => {
    const input: CanvasInput = { name: spec.name, type: linkTypeOf(spec), link: null };
    if (spec.kind !== 'socket' && !spec.forceInput) input.widget = { name: spec.name };
    return input;
  });
  const fileSlotToCanvas = new Map<number, number>();
  node.inputs.forEach((fileInput, fileSlot) => {
    let index = inputs.findIndex((input) => input.name === fileInput.name);
    // An input this node type no longer declares keeps its link, so validation can name it.
    if (index === -1) index = inputs.push(copyInput(fileInput)) - 1;
    inputs[index]!.link = fileInput.link;
    fileSlotToCanvas.set(fileSlot, index);
  });
  return { inputs, fileSlotToCanvas };
}

function canvasOutputs(node: WorkflowNode, schema: NodeSchema | undefined): CanvasNode['outputs'] {
  const declared = schema ? schema.outputs.map((output) => ({ name: output.name, type: output.type as string })) : node.outputs;
  const outputs = declared.map((output, slot) => ({ name: output.name, type: output.type, links: [...(node.outputs[slot]?.links ?? [])] }));
  // Outputs beyond the schema's still hold links the file made; keep them visible rather than dangling.
  for (let slot = outputs.length; slot < node.outputs.length; slot++) {
    const output = node.outputs[slot]!;
    outputs.push({ name: output.name, type: output.type, links: [...(output.links ?? [])] });
  }
  return outputs;
}

function schemaWidgets(node: WorkflowNode, schema: NodeSchema): CanvasWidget[] {
  const widgets: CanvasWidget[] = [];
  for (const spec of schema.inputs) {
    if (spec.kind === 'socket' || spec.forceInput) continue;
    const stored = node.widgets[spec.name];
    widgets.push({ name: spec.name, value: stored === undefined || stored === null ? spec.default : stored });
    const control = controlDefaultOf(spec);
    if (control !== undefined) widgets.push({ name: controlWidgetName(spec.name), value: node.widget_controls[spec.name] ?? control, controlOf: spec.name });
  }
  // Values for widgets this type no longer has are kept so saving does not silently drop them.
  for (const [name, value] of Object.entries(node.widgets)) {
    if (!widgets.some((widget) => widget.name === name)) widgets.push({ name, value });
  }
  return widgets;
}

function fileWidgets(node: WorkflowNode): CanvasWidget[] {
  const widgets: CanvasWidget[] = Object.entries(node.widgets).map(([name, value]) => ({ name, value }));
  for (const [name, control] of Object.entries(node.widget_controls)) widgets.push({ name: controlWidgetName(name), value: control, controlOf: name });
  return widgets;
}

const copyInput = (input: WorkflowNode['inputs'][number]): CanvasInput => ({
  name: input.name,
  type: input.type,
  link: input.link,
  ...(isRecord(input.widget) && typeof input.widget.name === 'string' ? { widget: { name: input.widget.name } } : {}),
});

const identity = (length: number) => new Map(Array.from({ length }, (_, index) => [index, index] as const));

function pickExtra(object: Record<string, unknown>, modelled: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !modelled.has(key)).map(([key, value]) => [key, structuredClone(value)]));
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
