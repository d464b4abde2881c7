/**
 * Builds ComfyUI UI-format files (what its frontend's "Save" writes) node by node, so tests describe
 * the graph a ComfyUI user drew — reroutes, primitives, bypassed and muted nodes, subgraphs — without
 * copying ComfyUI's own files. Slots are declared as ComfyUI declares them; links are litegraph arrays
 * at the top level and objects inside subgraph definitions, as the frontend writes them.
 */

export interface ComfySlot {
  name: string;
  type: string;
  /** A widget converted to (or shown as) an input names its widget. */
  widget?: { name: string };
}

interface UiNode {
  id: number;
  type: string;
  pos: [number, number];
  size: [number, number];
  flags: Record<string, never>;
  order: number;
  mode: number;
  inputs: (ComfySlot & { link: number | null })[];
  outputs: (ComfySlot & { links: number[] })[];
  properties: Record<string, unknown>;
  widgets_values?: unknown[];
  title?: string;
}

type LinkTuple = [number, number, number, number, number, string];

/** The subgraph input node's and output node's ids, as litegraph serialises them. */
export const SUBGRAPH_INPUT_ID = -10;
export const SUBGRAPH_OUTPUT_ID = -20;

export class ComfyGraphBuilder {
  readonly nodes: UiNode[] = [];
  readonly links: LinkTuple[] = [];
  #nextLink: number;

  /** Subgraph contents number their links apart from the root's, as litegraph does per graph. */
  constructor(firstLinkId = 1) {
    this.#nextLink = firstLinkId;
  }

  /** Adds a node with ComfyUI's slots and positional widget values; returns its id. */
  add(
    id: number,
    type: string,
    slots: { inputs?: ComfySlot[]; outputs?: ComfySlot[] },
    widgetsValues?: unknown[],
    options: { mode?: number; title?: string } = {},
  ): number {
    this.nodes.push({
      id,
      type,
      pos: [id * 50, id * 30],
      size: [200, 100],
      flags: {},
      order: this.nodes.length,
      mode: options.mode ?? 0,
      inputs: (slots.inputs ?? []).map((slot) => ({ ...slot, link: null })),
      outputs: (slots.outputs ?? []).map((slot) => ({ ...slot, links: [] })),
      properties: { 'Node name for S&R': type },
      ...(widgetsValues ? { widgets_values: widgetsValues } : {}),
      ...(options.title ? { title: options.title } : {}),
    });
    return id;
  }

  /** Joins output `slot` of `from` to input `input` of `to` (by ComfyUI's input name or widget name). */
  connect(from: number, slot: number, to: number, input: string): number {
    const id = this.#nextLink++;
    const origin = this.nodes.find((node) => node.id === from);
    const target = this.nodes.find((node) => node.id === to);
    const type = origin?.outputs[slot]?.type ?? '*';
    origin?.outputs[slot]?.links.push(id);
    let targetSlot = 0;
    if (target) {
      targetSlot = target.inputs.findIndex((candidate) => candidate.name === input || candidate.widget?.name === input);
      if (targetSlot < 0) throw new Error(`node ${to} has no input ${input}`);
      target.inputs[targetSlot]!.link = id;
    }
    this.links.push([id, from, slot, to, targetSlot, type]);
    return id;
  }

  /** From the subgraph's input `index` (origin -10) to an inner node's input. */
  connectFromSubgraphInput(index: number, to: number, input: string, type: string): number {
    const id = this.#nextLink++;
    const target = this.nodes.find((node) => node.id === to)!;
    const targetSlot = target.inputs.findIndex((candidate) => candidate.name === input || candidate.widget?.name === input);
    target.inputs[targetSlot]!.link = id;
    this.links.push([id, SUBGRAPH_INPUT_ID, index, to, targetSlot, type]);
    return id;
  }

  /** From an inner node's output to the subgraph's output `index` (target -20). */
  connectToSubgraphOutput(from: number, slot: number, index: number): number {
    const id = this.#nextLink++;
    const origin = this.nodes.find((node) => node.id === from)!;
    origin.outputs[slot]!.links.push(id);
    this.links.push([id, from, slot, SUBGRAPH_OUTPUT_ID, index, origin.outputs[slot]!.type]);
    return id;
  }

  node(id: number): UiNode {
    const node = this.nodes.find((candidate) => candidate.id === id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }

  /** The root graph as ComfyUI's frontend saves it. */
  workflow(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      last_node_id: Math.max(0, ...this.nodes.map((node) => node.id)),
      last_link_id: Math.max(0, ...this.links.map((link) => link[0])),
      nodes: this.nodes,
      links: this.links,
      groups: [],
      config: {},
      extra: { ds: { scale: 1, offset: [0, 0] } },
      version: 0.4,
      ...extra,
    };
  }

  /** This graph as a subgraph definition (`definitions.subgraphs[]`), links as objects. */
  subgraph(id: string, name: string, inputs: ComfySlot[], outputs: ComfySlot[]): Record<string, unknown> {
    const linksInto = (index: number) => this.links.filter((link) => link[1] === SUBGRAPH_INPUT_ID && link[2] === index).map((link) => link[0]);
    const linksOutOf = (index: number) => this.links.filter((link) => link[3] === SUBGRAPH_OUTPUT_ID && link[4] === index).map((link) => link[0]);
    return {
      id,
      version: 1,
      state: { lastGroupId: 0, lastNodeId: Math.max(0, ...this.nodes.map((node) => node.id)), lastLinkId: Math.max(0, ...this.links.map((link) => link[0])), lastRerouteId: 0 },
      revision: 0,
      config: {},
      name,
      inputNode: { id: SUBGRAPH_INPUT_ID, bounding: [0, 0, 120, 60] },
      outputNode: { id: SUBGRAPH_OUTPUT_ID, bounding: [900, 0, 120, 60] },
      inputs: inputs.map((slot, index) => ({ id: `${id}-in-${index}`, name: slot.name, type: slot.type, linkIds: linksInto(index), pos: [0, 0] })),
      outputs: outputs.map((slot, index) => ({ id: `${id}-out-${index}`, name: slot.name, type: slot.type, linkIds: linksOutOf(index), pos: [0, 0] })),
      widgets: [],
      nodes: this.nodes,
      groups: [],
      links: this.links.map(([linkId, originId, originSlot, targetId, targetSlot, type]) => ({
        id: linkId,
        origin_id: originId,
        origin_slot: originSlot,
        target_id: targetId,
        target_slot: targetSlot,
        type,
      })),
      extra: {},
    };
  }
}
