/**
 * The editor's graph as plain data, independent of litegraph's classes: what the canvas layer
 * reads off its nodes to save, and what it configures nodes from when loading. Keeping the
 * conversion to and from the workflow file on this side of the boundary makes it testable without
 * a DOM and keeps litegraph's quirks in one adapter.
 */
import type { WidgetValue } from '../../../app/protocol/index.js';

export type Vec2 = [number, number];

export interface CanvasInput {
  name: string;
  type: string;
  link: number | null;
  /** Present when the input feeds a widget of the same name (a widget converted to an input). */
  widget?: { name: string };
}

export interface CanvasOutput {
  name: string;
  type: string;
  links: number[] | null;
}

export interface CanvasWidget {
  name: string;
  value: WidgetValue;
  /** A seed's after-queue control names its seed widget here; its value is a SeedControl. */
  controlOf?: string;
}

export interface CanvasNode {
  id: number;
  type: string;
  /** The node type's version the widget values were written for. */
  version: number;
  title: string;
  pos: Vec2;
  size: Vec2;
  mode: number;
  /** litegraph's node flags: collapsed, pinned… */
  flags: Record<string, unknown>;
  color?: string;
  bgcolor?: string;
  inputs: CanvasInput[];
  outputs: CanvasOutput[];
  widgets: CanvasWidget[];
  properties: Record<string, unknown>;
  /** Keys of the file's node this version does not know, kept so a save does not drop them. */
  extra: Record<string, unknown>;
}

export interface CanvasLink {
  id: number;
  origin_id: number;
  origin_slot: number;
  target_id: number;
  target_slot: number;
  type: string;
}

export interface CanvasGroup {
  title: string;
  bounding: [number, number, number, number];
  color?: string;
  extra: Record<string, unknown>;
}

export interface CanvasGraph {
  lastNodeId: number;
  lastLinkId: number;
  nodes: CanvasNode[];
  links: CanvasLink[];
  groups: CanvasGroup[];
  /** The file's `extra` (viewport and anything a newer version wrote). */
  extra: Record<string, unknown>;
  /** The root graph's subgraph definitions, nested ones included, each once; a definition's own graph has none. */
  subgraphs: CanvasSubgraph[];
}

/** One of a subgraph's inputs or outputs: a slot of its boundary inside, and of every instance outside. */
export interface CanvasSubgraphSlot {
  name: string;
  type: string;
  /** The definition's links that start (input) or end (output) at this slot. */
  linkIds: number[];
  /** What else the file or litegraph keeps on the slot (ComfyUI's UUID, label…). */
  extra: Record<string, unknown>;
}

/** A subgraph definition: its boundary, and its contents as a graph of their own. */
export interface CanvasSubgraph {
  id: string;
  name: string;
  inputs: CanvasSubgraphSlot[];
  outputs: CanvasSubgraphSlot[];
  graph: CanvasGraph;
  /** The definition's other keys (the boundary nodes' places, state, revision…), written back as they are. */
  extra: Record<string, unknown>;
}

/**
 * Where the graph's `extra` carries the workflow's own keys the canvas does not model (ComfyUI's
 * subgraph `definitions`), so that saving writes them back where they were.
 */
export const CARRIED_WORKFLOW_KEYS = 'scalecrafter_workflow_keys';

/** The name a seed's control widget gets on the canvas (ComfyUI calls it control_after_generate). */
export const controlWidgetName = (seedName: string): string => `${seedName} control`;
