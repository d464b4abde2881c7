/**
 * A ComfyUI node on its way into our format. ComfyUI links name slots by ComfyUI's numbering; each
 * imported node says where those slots land on its own side, and is finished once all links are known.
 */
import type { Issue, Workflow, WorkflowLink, WorkflowNode } from '../../protocol/index.js';

/** Notes and issues gathered over one import. */
export interface ImportReport {
  notes: string[];
  issues: Issue[];
}

/** A ComfyUI graph in our format, and the ComfyUI types that had no counterpart (sorted, each once). */
export interface GraphImport {
  workflow: Workflow;
  unknownTypes: string[];
}

/** What a node keeps from the ComfyUI file besides its values and slots. */
export interface NodeLayout {
  pos: [number, number];
  size: [number, number];
  mode: WorkflowNode['mode'];
  properties: Record<string, unknown>;
  /** Keys carried over as they are: the cosmetic ones (title, colours…), and for a kept node all it has. */
  carried: Record<string, unknown>;
}

export interface ImportedNode {
  readonly id: number;
  readonly type: string;
  /**
   * Our input slot for a link into ComfyUI's input `name`; UI files also give ComfyUI's `slot`.
   * Undefined when nothing here corresponds.
   */
  connectInput(name: string, slot: number | undefined, linkType: string): number | undefined;
  /** Our output slot for a link out of ComfyUI's output `slot`. */
  connectOutput(slot: number, linkType: string): number | undefined;
  /** The type of ComfyUI's output `slot` when this node knows it (API files carry no link types). */
  outputType(slot: number): string | undefined;
  /** The type ComfyUI's input `name` accepts, when this node knows it. */
  inputType(name: string): string | undefined;
  /** The node in our format, each slot's link ids taken from the final links. */
  finish(links: readonly WorkflowLink[]): WorkflowNode;
}

/** litegraph's cosmetic node keys, kept as they are on import. */
export const COSMETIC_KEYS = ['title', 'flags', 'color', 'bgcolor', 'shape'] as const;

/** The node keys an import rebuilds; `order` goes too, since litegraph recomputes it on load. */
export const REBUILT_KEYS = ['id', 'type', 'pos', 'size', 'mode', 'order', 'inputs', 'outputs', 'properties', 'widgets_values'] as const;

const MODES: readonly WorkflowNode['mode'][] = [0, 1, 2, 3, 4];

/** litegraph modes 0–4 (ComfyUI adds 4, bypass); anything else means "always", litegraph's default. */
export function readMode(value: unknown): WorkflowNode['mode'] {
  return MODES.find((mode) => mode === value) ?? 0;
}

export function linkIdInto(links: readonly WorkflowLink[], nodeId: number, slot: number): number | null {
  return links.find((link) => link.target_id === nodeId && link.target_slot === slot)?.id ?? null;
}

export function linkIdsOutOf(links: readonly WorkflowLink[], nodeId: number, slot: number): number[] {
  return links.filter((link) => link.origin_id === nodeId && link.origin_slot === slot).map((link) => link.id);
}
