/**
 * litegraph's own subgraph definitions (`Subgraph`, kept on the root graph) ⇄ CanvasSubgraph. What
 * the file holds that litegraph does not (ComfyUI's keys, the boundary's saved size) is remembered
 * per definition and written back. Only the boundary's position is read from litegraph: it sizes the
 * boundary to its slots whenever it draws, and a redraw must not count as an edit.
 */
import { SUBGRAPH_INPUT_NODE_ID, SUBGRAPH_OUTPUT_NODE_ID } from '../../../app/protocol/index.js';
import type { Subgraph } from '@comfyorg/litegraph';
import type { CanvasGraph, CanvasNode, CanvasSubgraph, CanvasSubgraphSlot } from '../workflow/canvas-state.js';

const remembered = new WeakMap<Subgraph, Record<string, unknown>>();

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keys of a boundary slot that litegraph works out for itself (its place as drawn) or that CanvasSubgraphSlot models. */
const UNKEPT_SLOT_KEYS = new Set(['name', 'type', 'linkIds', 'pos']);

export function rememberSubgraph(subgraph: Subgraph, data: CanvasSubgraph): void {
  remembered.set(subgraph, structuredClone(data.extra));
}

/** Where a definition's boundary starts when its file does not say: beside its nodes, left and right. */
function defaultBoundary(graph: CanvasGraph): { inputNode: Record<string, unknown>; outputNode: Record<string, unknown> } {
  const left = Math.min(0, ...graph.nodes.map((node) => node.pos[0]));
  const top = Math.min(0, ...graph.nodes.map((node) => node.pos[1]));
  const right = Math.max(0, ...graph.nodes.map((node) => node.pos[0] + node.size[0]));
  return {
    inputNode: { id: SUBGRAPH_INPUT_NODE_ID, bounding: [left - 200, top, 120, 60] },
    outputNode: { id: SUBGRAPH_OUTPUT_NODE_ID, bounding: [right + 80, top, 120, 60] },
  };
}

/** A definition in litegraph's serialised form (ExportedSubgraph), its nodes and groups made as the root's are. */
export function subgraphData(
  subgraph: CanvasSubgraph,
  nodeData: (node: CanvasNode, order: number) => Record<string, unknown>,
  groupData: (group: CanvasGraph['groups'][number]) => Record<string, unknown>,
): Record<string, unknown> {
  const { graph } = subgraph;
  const state = isRecord(subgraph.extra.state) ? subgraph.extra.state : {};
  const slot = (each: CanvasSubgraphSlot) => ({ ...structuredClone(each.extra), name: each.name, type: each.type, linkIds: [...each.linkIds] });
  return {
    ...defaultBoundary(graph),
    ...structuredClone(subgraph.extra),
    id: subgraph.id,
    name: subgraph.name,
    version: 1,
    config: {},
    state: { lastGroupId: 0, lastRerouteId: 0, ...state, lastNodeId: graph.lastNodeId, lastLinkId: graph.lastLinkId },
    inputs: subgraph.inputs.map(slot),
    outputs: subgraph.outputs.map(slot),
    widgets: [],
    nodes: graph.nodes.map(nodeData),
    links: graph.links.map((link) => ({ ...link })),
    groups: graph.groups.map(groupData),
  };
}

function readSlot(slot: Subgraph['inputs'][number] | Subgraph['outputs'][number]): CanvasSubgraphSlot {
  const extra = Object.fromEntries(Object.entries(slot.asSerialisable()).filter(([key, value]) => value !== undefined && !UNKEPT_SLOT_KEYS.has(key)));
  return { name: slot.name, type: String(slot.type), linkIds: slot.linkIds.map(Number), extra: structuredClone(extra) };
}

/** The size a boundary is saved with when its file gave none (a definition made here); litegraph sizes it to its slots anyway. */
const BOUNDARY_SIZE = [120, 60];

/** The boundary node as saved, at the place the user left it (its size as the file had it). */
function readBoundary(saved: unknown, live: { id: number; pos: ArrayLike<number> }): Record<string, unknown> {
  const bounding = isRecord(saved) && Array.isArray(saved.bounding) ? saved.bounding : [0, 0, ...BOUNDARY_SIZE];
  return { ...(isRecord(saved) ? structuredClone(saved) : { id: live.id }), bounding: [live.pos[0], live.pos[1], bounding[2], bounding[3]] };
}

export function readSubgraph(subgraph: Subgraph, graph: CanvasGraph): CanvasSubgraph {
  const kept = remembered.get(subgraph) ?? {};
  const { inputNode, outputNode } = subgraph;
  return {
    id: subgraph.id,
    name: subgraph.name,
    inputs: subgraph.inputs.map(readSlot),
    outputs: subgraph.outputs.map(readSlot),
    graph,
    extra: {
      ...structuredClone(kept),
      inputNode: readBoundary(kept.inputNode, { id: SUBGRAPH_INPUT_NODE_ID, pos: inputNode.pos }),
      outputNode: readBoundary(kept.outputNode, { id: SUBGRAPH_OUTPUT_NODE_ID, pos: outputNode.pos }),
    },
  };
}
