/**
 * Our workflow → ComfyUI's UI format, schema version 0.4 (what its Workflow → Save writes, and what a
 * ComfyUI PNG's `workflow` chunk holds): litegraph's serialisation with positional `widgets_values`,
 * links as `[id, origin_id, origin_slot, target_id, target_slot, type]` and ComfyUI's slot numbering.
 * Each node is translated by `exportNode`; a link whose end has no ComfyUI counterpart is left out
 * and said so. Subgraph definitions go back under `definitions.subgraphs`, translated the same way;
 * promoted widgets saved as `proxyWidgets` go as linked inputs (proxy-widgets-export.ts).
 */
import { createHash } from 'node:crypto';
import type { Workflow, WorkflowGroup, WorkflowNode } from '../../protocol/index.js';
import type { NodeRegistry } from '../node-registry.js';
import { carriedKeys, exportNode } from './export-node.js';
import type { ComfyInputSlot, NodeExport } from './export-node.js';
import { withProxyWidgetsLinked } from './proxy-widgets-export.js';
import { rawSubgraphsOf, SUBGRAPH_INPUT_NODE_ID, SUBGRAPH_OUTPUT_NODE_ID, subgraphDefinitionSchema, type SubgraphLink } from '../subgraph-definitions.js';

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
  definitions?: { subgraphs: Record<string, unknown>[] };
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

/** Links of the root graph or of a subgraph definition (whose boundary nodes have negative ids). */
function translateLinks(links: readonly SubgraphLink[], exports: Map<number, NodeExport>, inputSlots: Map<number, Map<number, number>>, notes: string[]): ComfyUiLink[] {
  const translated: ComfyUiLink[] = [];
  for (const link of links) {
    // A subgraph's input and output nodes keep their slots: the definition's inputs and outputs are ComfyUI's as they came.
    const originSlot = link.origin_id === SUBGRAPH_INPUT_NODE_ID ? link.origin_slot : exports.get(link.origin_id)?.outputSlot(link.origin_slot);
    const targetSlot = link.target_id === SUBGRAPH_OUTPUT_NODE_ID ? link.target_slot : inputSlots.get(link.target_id)?.get(link.target_slot);
    if (targetSlot === undefined) continue; // said when its input was left out
    if (originSlot === undefined) {
      notes.push(`link ${link.id}: output ${link.origin_slot} of node ${link.origin_id} has no counterpart in ComfyUI's ${exports.get(link.origin_id)?.comfyType}; the link was left out`);
      continue;
    }
    translated.push([link.id, link.origin_id, originSlot, link.target_id, targetSlot, link.type]);
  }
  return translated;
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

/** A graph's nodes and links in ComfyUI's form: the root's, or a subgraph definition's. */
export function exportGraphBody(nodes: readonly WorkflowNode[], links: readonly SubgraphLink[], registry: NodeRegistry, notes: string[]): { nodes: ComfyUiNode[]; links: ComfyUiLink[] } {
  const exports = new Map(nodes.map((node) => [node.id, exportNode(node, registry)]));
  const translated = new Map(nodes.map((node) => [node.id, translateInputs(node, exports.get(node.id) as NodeExport, notes)]));
  for (const exported of exports.values()) notes.push(...exported.notes);
  const inputSlots = new Map([...translated].map(([id, inputs]) => [id, inputs.slotOf]));
  const comfyLinks = translateLinks(links, exports, inputSlots, notes);
  return {
    nodes: nodes.map((node, order) => comfyNode(node, order, exports.get(node.id) as NodeExport, translated.get(node.id) as TranslatedInputs, comfyLinks)),
    links: comfyLinks,
  };
}

/**
 * ComfyUI's frontend keys a definition's inputs and outputs by UUID (zSubgraphIO). One without gets a
 * name-based one (RFC 4122 version 5 layout over SHA-1 of where it is), so exporting twice gives the same file.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function nameBasedUuid(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const withSlotId = (slot: Record<string, unknown>, where: string) => (typeof slot.id === 'string' && GUID.test(slot.id) ? slot : { ...slot, id: nameBasedUuid(where) });

/**
 * A subgraph definition as ComfyUI's frontend saves it (its zSubgraphDefinition: schema version 1,
 * links as objects): the nodes and links translated like the root's, everything else the file held
 * kept, and what ComfyUI requires filled in where the definition lacks it. Nested definitions too.
 */
function exportDefinition(raw: unknown, registry: NodeRegistry, notes: string[]): Record<string, unknown>[] {
  const parsed = subgraphDefinitionSchema.safeParse(raw);
  if (!parsed.success) {
    notes.push('a subgraph definition that does not parse was left out');
    return [];
  }
  const definition = parsed.data;
  const inner: string[] = [];
  const body = exportGraphBody(definition.nodes, definition.links, registry, inner);
  notes.push(...inner.map((note) => `subgraph "${definition.name}": ${note}`));
  const nested = rawSubgraphsOf(definition).flatMap((child) => exportDefinition(child, registry, notes));
  const { definitions: _nested, ...kept } = definition;
  return [
    {
      version: 1,
      revision: 0,
      state: { lastGroupId: 0, lastNodeId: largestOf(definition.nodes), lastLinkId: largestOf(definition.links), lastRerouteId: 0 },
      config: {},
      inputNode: { id: SUBGRAPH_INPUT_NODE_ID, bounding: [0, 0, 120, 60] },
      outputNode: { id: SUBGRAPH_OUTPUT_NODE_ID, bounding: [600, 0, 120, 60] },
      widgets: [],
      extra: {},
      ...kept,
      inputs: definition.inputs.map((slot, index) => withSlotId(slot, `${definition.id} input ${index}`)),
      outputs: definition.outputs.map((slot, index) => withSlotId(slot, `${definition.id} output ${index}`)),
      nodes: body.nodes,
      links: body.links.map(([id, origin_id, origin_slot, target_id, target_slot, type]) => ({ id, origin_id, origin_slot, target_id, target_slot, type })),
      ...(nested.length > 0 ? { definitions: { subgraphs: nested } } : {}),
    },
  ];
}

const largestOf = (items: readonly { id: number }[]) => Math.max(0, ...items.map((item) => item.id));

export function exportComfyUiWorkflow(ours: Workflow, registry: NodeRegistry): ComfyUiExport<ComfyUiWorkflow> {
  const notes: string[] = [];
  const workflow = withProxyWidgetsLinked(ours, registry);
  const { nodes, links } = exportGraphBody(workflow.nodes, workflow.links, registry, notes);
  const subgraphs = rawSubgraphsOf(workflow).flatMap((definition) => exportDefinition(definition, registry, notes));
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
      ...(subgraphs.length > 0 ? { definitions: { subgraphs } } : {}),
    },
    notes,
  };
}
