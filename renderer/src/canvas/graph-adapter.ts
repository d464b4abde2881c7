/**
 * The one place that knows litegraph's object model: reads a live LGraph into the plain
 * CanvasGraph and configures an LGraph from one. Everything else works on plain data.
 */
import { LGraph, type LGraphNode, type Subgraph } from '@comfyorg/litegraph';
import type { WidgetValue } from '../../../app/protocol/index.js';
import type { CanvasGraph, CanvasNode, CanvasWidget } from '../workflow/canvas-state.js';
import { schemaOf, type ControlWidgetMark } from './node-types.js';
import { readSubgraph, rememberSubgraph, subgraphData } from './subgraph-adapter.js';

/** What a node loaded from a file keeps that litegraph has no place for. */
interface NodeStash {
  version: number;
  extra: Record<string, unknown>;
  /** Widget values of a node whose type the engine does not know (it has no widgets to hold them). */
  orphanWidgets?: CanvasWidget[];
}

const stashes = new WeakMap<LGraphNode, NodeStash>();

export function readCanvasGraph(graph: LGraph): CanvasGraph {
  const { ds: _viewport, ...extra } = graph.extra as Record<string, unknown>;
  return { ...readGraphBody(graph), extra: structuredClone(extra), subgraphs: [...graph.subgraphs.values()].map((subgraph) => readSubgraph(subgraph, readGraphBody(subgraph))) };
}

/** The nodes, links and groups of the root graph or of a subgraph definition. */
function readGraphBody(graph: LGraph | Subgraph): CanvasGraph {
  return {
    lastNodeId: Number(graph.state.lastNodeId),
    lastLinkId: Number(graph.state.lastLinkId),
    nodes: graph._nodes.map(readNode),
    links: [...graph._links.values()].map((link) => ({
      id: Number(link.id),
      origin_id: Number(link.origin_id),
      origin_slot: link.origin_slot,
      target_id: Number(link.target_id),
      target_slot: link.target_slot,
      type: String(link.type),
    })),
    groups: graph._groups.map((group) => ({
      title: group.title,
      bounding: [group._bounding[0]!, group._bounding[1]!, group._bounding[2]!, group._bounding[3]!],
      ...(group.color === undefined ? {} : { color: group.color }),
      extra: { font_size: group.font_size },
    })),
    extra: {},
    subgraphs: [],
  };
}

function readNode(node: LGraphNode): CanvasNode {
  const stash = stashes.get(node);
  const schema = schemaOf(node);
  const widgets: CanvasWidget[] = (node.widgets ?? []).map((widget) => {
    const controlOf = (widget as ControlWidgetMark).controlOf;
    return { name: widget.name, value: widget.value as WidgetValue, ...(controlOf === undefined ? {} : { controlOf }) };
  });
  return {
    id: Number(node.id),
    type: node.type,
    version: schema?.version ?? stash?.version ?? 1,
    title: node.title,
    pos: [node.pos[0], node.pos[1]],
    size: [node.size[0], node.size[1]],
    mode: node.mode,
    flags: structuredClone({ ...node.flags }),
    ...(node.color === undefined ? {} : { color: node.color }),
    ...(node.bgcolor === undefined ? {} : { bgcolor: node.bgcolor }),
    inputs: node.inputs.map((input) => ({
      name: input.name,
      type: String(input.type),
      link: input.link ?? null,
      ...(input.widget ? { widget: { name: input.widget.name } } : {}),
    })),
    outputs: node.outputs.map((output) => ({ name: output.name, type: String(output.type), links: output.links ? [...output.links].map(Number) : [] })),
    widgets: [...widgets, ...(stash?.orphanWidgets ?? [])],
    properties: structuredClone({ ...node.properties }) as Record<string, unknown>,
    extra: structuredClone(stash?.extra ?? {}),
  };
}

/** Replaces the graph's contents with `data`, keeping node and link ids; subgraph definitions before the nodes that use them. */
export function loadCanvasGraph(graph: LGraph, data: CanvasGraph): void {
  graph.configure({
    version: 0.4,
    last_node_id: data.lastNodeId,
    last_link_id: data.lastLinkId,
    nodes: data.nodes.map(nodeData),
    links: data.links.map((link) => [link.id, link.origin_id, link.origin_slot, link.target_id, link.target_slot, link.type]),
    groups: data.groups.map(groupData),
    config: {},
    extra: structuredClone(data.extra),
    ...(data.subgraphs.length > 0 ? { definitions: { subgraphs: data.subgraphs.map((subgraph) => subgraphData(subgraph, nodeData, groupData)) } } : {}),
  } as unknown as Parameters<LGraph['configure']>[0]);
  applyNodeData(graph, data.nodes);
  for (const subgraph of data.subgraphs) {
    const loaded = graph.subgraphs.get(subgraph.id);
    if (!loaded) continue;
    rememberSubgraph(loaded, subgraph);
    applyNodeData(loaded, subgraph.graph.nodes);
  }
}

/** A node in litegraph's serialised form, without widget values (set by name afterwards). */
function nodeData(node: CanvasNode, order: number): Record<string, unknown> {
  return {
    id: node.id,
    type: node.type,
    title: node.title,
    pos: [...node.pos],
    size: [...node.size],
    flags: structuredClone(node.flags),
    order,
    mode: node.mode,
    inputs: structuredClone(node.inputs),
    outputs: structuredClone(node.outputs),
    properties: structuredClone(node.properties),
    ...(node.color === undefined ? {} : { color: node.color }),
    ...(node.bgcolor === undefined ? {} : { bgcolor: node.bgcolor }),
  };
}

function groupData(group: CanvasGraph['groups'][number]): Record<string, unknown> {
  return { ...structuredClone(group.extra), title: group.title, bounding: [...group.bounding], ...(group.color ? { color: group.color } : {}) };
}

/** Widget values by name, and what litegraph has no place for, onto the configured nodes. */
function applyNodeData(graph: LGraph | Subgraph, nodes: readonly CanvasNode[]): void {
  for (const data of nodes) {
    const node = graph.getNodeById(data.id);
    if (!node) continue;
    const widgets = node.widgets ?? [];
    const orphanWidgets: CanvasWidget[] = [];
    for (const value of data.widgets) {
      const widget = widgets.find((candidate) => candidate.name === value.name);
      if (widget) widget.value = value.value as never;
      else orphanWidgets.push(structuredClone(value));
    }
    stashes.set(node, { version: data.version, extra: structuredClone(data.extra), ...(orphanWidgets.length ? { orphanWidgets } : {}) });
  }
}
