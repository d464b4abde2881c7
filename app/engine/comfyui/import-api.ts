/**
 * ComfyUI's API format — what "Export (API)" writes and what a ComfyUI PNG's `prompt` chunk holds:
 * `{ "<id>": { class_type, inputs: { name: literal | [fromId, slot] }, _meta: { title } } }`. It names
 * every input, so no widget order is needed; it has no layout, no seed controls and no link types,
 * which are supplied here: a column layout, "fixed" controls, and types read from the node schemas.
 */
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, isPromptLink } from '../../protocol/index.js';
import type { PromptLink, SeedControl, WorkflowLink } from '../../protocol/index.js';
import { isJsonObject, largestId } from '../migrations/litegraph-layout.js';
import type { JsonObject } from '../migrations/litegraph-layout.js';
import type { NodeRegistry } from '../node-registry.js';
import { layOutInColumns } from './column-layout.js';
import type { GraphImport, ImportedNode, ImportReport, NodeLayout } from './imported-node.js';
import { COMFY_INPUTS_PROPERTY, KeptNode } from './kept-node.js';
import { MappedNode } from './mapped-node.js';
import { COMFY_NODE_MAP } from './node-map.js';
import { ownTypeMapping } from './own-type-mapping.js';

interface PromptEntry {
  key: string;
  id: number;
  classType: string;
  title: string | undefined;
  literals: Record<string, unknown>;
  links: [string, PromptLink][];
}

/**
 * API ids are strings: "3" in a plain graph, "92:3" inside a ComfyUI subgraph. Numeric ones keep
 * their number (so a UI and an API import of one workflow agree); others get fresh ids above them.
 */
function readEntries(json: JsonObject, report: ImportReport): PromptEntry[] {
  const valid = Object.entries(json).filter((entry): entry is [string, JsonObject] => {
    const [key, value] = entry;
    const ok = isJsonObject(value) && typeof value.class_type === 'string' && isJsonObject(value.inputs);
    if (!ok) report.issues.push({ code: 'invalid_workflow', nodeId: key, message: `entry "${key}" has no class_type and inputs; it was left out` });
    return ok;
  });
  const numericIds = valid.map(([key]) => (/^\d+$/.test(key) && Number.isSafeInteger(Number(key)) ? Number(key) : undefined));
  let nextId = Math.max(0, ...numericIds.filter((id): id is number => id !== undefined)) + 1;
  return valid.map(([key, value], index) => {
    const id = numericIds[index] ?? nextId++;
    if (numericIds[index] === undefined) report.notes.push(`node "${key}" was given id ${id}: workflow ids are numbers`);
    const meta = isJsonObject(value._meta) ? value._meta : {};
    const entry: PromptEntry = {
      key,
      id,
      classType: value.class_type as string,
      title: typeof meta.title === 'string' ? meta.title : undefined,
      literals: {},
      links: [],
    };
    for (const [name, input] of Object.entries(value.inputs as JsonObject)) {
      if (isPromptLink(input)) entry.links.push([name, input]);
      else entry.literals[name] = input;
    }
    return entry;
  });
}

function importEntry(entry: PromptEntry, registry: NodeRegistry, report: ImportReport): ImportedNode {
  const mapping = COMFY_NODE_MAP.get(entry.classType) ?? ownTypeMapping(registry, entry.classType);
  const definition = mapping && registry.get(mapping.ourType);
  // ComfyUI writes every node's title into _meta; only a title the user chose is worth keeping.
  const defaultTitle = mapping?.comfyTitle ?? entry.classType;
  const keepTitle = entry.title !== undefined && entry.title !== defaultTitle;
  const layout: NodeLayout = { pos: [0, 0], size: [0, 0], mode: 0, properties: {}, carried: keepTitle ? { title: entry.title } : {} };
  if (mapping === undefined || definition === undefined) {
    report.notes.push(
      mapping
        ? `node ${entry.id} (${entry.classType}) would become ${mapping.ourType}, which this app has not registered; kept as ${entry.classType}`
        : `node ${entry.id} has ComfyUI type ${entry.classType}, which has no counterpart here; kept with its links and its values (properties.${COMFY_INPUTS_PROPERTY})`,
    );
    return KeptNode.fromApi(entry.id, entry.classType, entry.literals, layout);
  }
  const node = new MappedNode(entry.id, mapping, definition, layout);
  const controls: Record<string, SeedControl> = {};
  for (const widget of mapping.widgets) {
    if (!widget.hasControl) continue;
    controls[widget.name] = 'fixed';
    report.notes.push(
      `node ${entry.id} (${entry.classType} → ${definition.schema.type}): API files do not record the control after "${widget.name}"; ` +
        'it was set to "fixed", so a run reproduces the image the file describes',
    );
  }
  node.applyValues({ widgets: entry.literals, controls }, report);
  return node;
}

function importLinks(entries: readonly PromptEntry[], nodes: Map<string, ImportedNode>, report: ImportReport): WorkflowLink[] {
  const links: WorkflowLink[] = [];
  for (const entry of entries) {
    const target = nodes.get(entry.key) as ImportedNode;
    for (const [name, [fromKey, slot]] of entry.links) {
      const origin = nodes.get(fromKey);
      const type = origin?.outputType(slot) ?? target.inputType(name) ?? '*';
      const originSlot = origin?.connectOutput(slot, type);
      const targetSlot = target.connectInput(name, undefined, type);
      if (originSlot === undefined || targetSlot === undefined) {
        report.issues.push({
          code: 'dangling_link',
          nodeId: String(target.id),
          nodeType: target.type,
          message: origin
            ? `input "${name}" takes output ${slot} of node "${fromKey}", which has no counterpart here; the link was dropped`
            : `input "${name}" takes output ${slot} of node "${fromKey}", which the file does not contain; the link was dropped`,
          hint: 'Reconnect the input on the canvas.',
        });
        continue;
      }
      const origin_id = (origin as ImportedNode).id;
      links.push({ id: links.length + 1, origin_id, origin_slot: originSlot, target_id: target.id, target_slot: targetSlot, type });
    }
  }
  return links;
}

export function importComfyUiPrompt(json: JsonObject, registry: NodeRegistry, report: ImportReport): GraphImport {
  const entries = readEntries(json, report);
  const nodes = new Map<string, ImportedNode>();
  const unknownTypes = new Set<string>();
  for (const entry of entries) {
    const node = importEntry(entry, registry, report);
    if (node instanceof KeptNode) unknownTypes.add(entry.classType);
    nodes.set(entry.key, node);
  }
  const links = importLinks(entries, nodes, report);
  const finished = layOutInColumns(
    [...nodes.values()].map((node) => node.finish(links)),
    links,
  );
  report.notes.push('API-format files have no layout: the nodes were placed in columns by their depth in the graph');
  return {
    workflow: {
      format: WORKFLOW_FORMAT,
      version: WORKFLOW_VERSION,
      last_node_id: largestId(finished),
      last_link_id: links.length,
      nodes: finished,
      links,
      groups: [],
      extra: {},
    },
    unknownTypes: [...unknownTypes].sort(),
  };
}
