/**
 * Our workflow → ComfyUI's UI format, schema version 0.4 (what its Workflow → Save writes, and what a
 * ComfyUI PNG's `workflow` chunk holds): litegraph's serialisation with positional `widgets_values`,
 * links as `[id, origin_id, origin_slot, target_id, target_slot, type]` and ComfyUI's slot numbering.
 * Each node is translated by `exportNode`; a link whose end has no ComfyUI counterpart is left out
 * and said so.
 */
import type { Workflow, WorkflowGroup, WorkflowNode } from '../../protocol/index.js';
import type { NodeRegistry } from '../node-registry.js';
import { carriedKeys, exportNode } from './export-node.js';
import type { ComfyInputSlot, NodeExport } from './export-node.js';

/** The schema version ComfyUI's frontend writes for array links. */
export const COMFY_UI_SCHEMA_VERSION = 0.4;

export type ComfyUiLink = [id: number, originId: number, originSlot: number, targetId: number, targetSlot: number, type: string];

export interface ComfyUiInput extends ComfyInputSlot {
  link: number | null;
}

export interface ComfyUiNode {
  id: number;
  type: string;
  pos: [number, number];
  size: [number, number];
  flags: Record<string, unknown>;
  order: number;
  mode: number;
  inputs: ComfyUiInput[];
  outputs: { name: string; type: string; links: number[]; slot_index: number }[];
  properties: Record<string, unknown>;
  widgets_values?: readonly unknown[];
  [key: string]: unknown;
}

export interface ComfyUiWorkflow {
  last_node_id: number;
  last_link_id: number;
  nodes: ComfyUiNode[];
  links: ComfyUiLink[];
  groups: WorkflowGroup[];
  config: Record<string, unknown>;
  extra: Record<string, unknown>;
  version: number;
}

export interface ComfyUiExport<T> {
  comfy: T;
  /** What ComfyUI's form could not hold (a link into an input ComfyUI's node lacks, …). */
  notes: string[];
}

/** A node's inputs as ComfyUI's, and where each of our input slots went. */
interface TranslatedInputs {
  inputs: ComfyInputSlot[];
  slotOf: Map<number, number>;
}

function translateInputs(node: WorkflowNode, exported: NodeExport, notes: string[]): TranslatedInputs {
  const inputs: ComfyInputSlot[] = [];
  const slotOf = new Map<number, number>();
  node.inputs.forEach((input, slot) => {
    const comfy = exported.input(input);
    if (comfy === undefined) {
      if (input.link !== null) notes.push(`node ${node.id} (${node.type}): ComfyUI's ${exported.comfyType} has no input "${input.name}"; the link into it was left out`);
      return;
    }
    slotOf.set(slot, inputs.length);
    inputs.push(comfy);
  });
  return { inputs, slotOf };
}

function translateLinks(workflow: Workflow, exports: Map<number, NodeExport>, inputSlots: Map<number, Map<number, number>>, notes: string[]): ComfyUiLink[] {
  const links: ComfyUiLink[] = [];
  for (const link of workflow.links) {
    const originSlot = exports.get(link.origin_id)?.outputSlot(link.origin_slot);
    const targetSlot = inputSlots.get(link.target_id)?.get(link.target_slot);
    if (targetSlot === undefined) continue; // said when its input was left out
    if (originSlot === undefined) {
      notes.push(`link ${link.id}: output ${link.origin_slot} of node ${link.origin_id} has no counterpart in ComfyUI's ${exports.get(link.origin_id)?.comfyType}; the link was left out`);
      continue;
    }
    links.push([link.id, link.origin_id, originSlot, link.target_id, targetSlot, link.type]);
  }
  return links;
}

function comfyNode(node: WorkflowNode, order: number, exported: NodeExport, translated: TranslatedInputs, links: readonly ComfyUiLink[]): ComfyUiNode {
  return {
    ...carriedKeys(node),
    id: node.id,
    type: exported.comfyType,
    pos: node.pos,
    size: node.size,
    flags: typeof node.flags === 'object' && node.flags !== null ? (node.flags as Record<string, unknown>) : {},
    // litegraph recomputes the execution order on load; the file's order only has to be a number.
    order,
    mode: node.mode,
    inputs: translated.inputs.map((input, slot) => ({ ...input, link: links.find((link) => link[3] === node.id && link[4] === slot)?.[0] ?? null })),
    outputs: exported.outputs.map((output, slot) => ({
      ...output,
      links: links.filter((link) => link[1] === node.id && link[2] === slot).map((link) => link[0]),
      slot_index: slot,
    })),
    properties: exported.properties,
    ...(exported.widgetsValues === undefined ? {} : { widgets_values: exported.widgetsValues }),
  };
}

export function exportComfyUiWorkflow(workflow: Workflow, registry: NodeRegistry): ComfyUiExport<ComfyUiWorkflow> {
  const notes: string[] = [];
  const exports = new Map(workflow.nodes.map((node) => [node.id, exportNode(node, registry)]));
  const translated = new Map(workflow.nodes.map((node) => [node.id, translateInputs(node, exports.get(node.id) as NodeExport, notes)]));
  for (const exported of exports.values()) notes.push(...exported.notes);
  const inputSlots = new Map([...translated].map(([id, inputs]) => [id, inputs.slotOf]));
  const links = translateLinks(workflow, exports, inputSlots, notes);
  const nodes = workflow.nodes.map((node, order) => comfyNode(node, order, exports.get(node.id) as NodeExport, translated.get(node.id) as TranslatedInputs, links));
  return {
    comfy: {
      last_node_id: workflow.last_node_id,
      last_link_id: workflow.last_link_id,
      nodes,
      links,
      groups: workflow.groups,
      config: {},
      extra: workflow.extra,
      version: COMFY_UI_SCHEMA_VERSION,
    },
    notes,
  };
}
