/**
 * ComfyUI's UI format — what its "Save" writes: litegraph's serialisation plus ComfyUI's keys
 * (`properties["Node name for S&R"]`, `extra.ds`, …). Nodes with a counterpart are translated through
 * the node map, the rest kept as they are; links keep their ids and get their slots renumbered.
 */
import { WORKFLOW_FORMAT, WORKFLOW_VERSION } from '../../protocol/index.js';
import type { Workflow, WorkflowLink } from '../../protocol/index.js';
import { isJsonObject, largestId, readLink, readVec2, readVec4 } from '../migrations/litegraph-layout.js';
import type { JsonObject } from '../migrations/litegraph-layout.js';
import type { NodeRegistry } from '../node-registry.js';
import { namedFromPositional } from '../positional-widgets.js';
import type { GraphImport, ImportedNode, ImportReport, NodeLayout } from './imported-node.js';
import { COSMETIC_KEYS, REBUILT_KEYS, readMode } from './imported-node.js';
import { COMFY_WIDGETS_PROPERTY, KeptNode } from './kept-node.js';
import { MappedNode } from './mapped-node.js';
import { OwnNode } from './own-node.js';
import { OWN_VALUES_PROPERTY, readOwnValues } from './own-values.js';
import { COMFY_NODE_MAP } from './node-map.js';

/** Properties ComfyUI adds that describe its own node type (search-and-replace name, node pack, version). */
const COMFY_TYPE_PROPERTIES = ['Node name for S&R', 'cnr_id', 'ver'];

/** litegraph's default node size, for a node saved without one. */
const DEFAULT_SIZE: [number, number] = [210, 60];

/**
 * A translated node keeps litegraph's cosmetic keys only (the rest describe ComfyUI's node type); a kept
 * node keeps every key it has, for the ComfyUI extension that wrote them.
 */
function layoutOf(raw: JsonObject, translated: boolean): NodeLayout {
  const properties = isJsonObject(raw.properties) ? { ...raw.properties } : {};
  if (translated) for (const key of COMFY_TYPE_PROPERTIES) delete properties[key];
  const keys: readonly string[] = translated ? COSMETIC_KEYS : Object.keys(raw).filter((key) => !(REBUILT_KEYS as readonly string[]).includes(key));
  const carried: Record<string, unknown> = {};
  for (const key of keys) if (raw[key] !== undefined) carried[key] = raw[key];
  return {
    pos: readVec2(raw.pos) ?? [0, 0],
    size: readVec2(raw.size) ?? DEFAULT_SIZE,
    mode: readMode(raw.mode),
    properties,
    carried,
  };
}

function importNode(raw: JsonObject, id: number, type: string, registry: NodeRegistry, report: ImportReport): ImportedNode {
  const mapping = COMFY_NODE_MAP.get(type);
  const definition = mapping && registry.get(mapping.ourType);
  const ownValues = readOwnValues(isJsonObject(raw.properties) ? raw.properties : {}, mapping?.ourType ?? type);
  if (mapping === undefined && ownValues !== undefined && registry.has(type)) return new OwnNode(id, raw, layoutOf(raw, true), ownValues);
  if (mapping === undefined || definition === undefined) {
    if (mapping) report.notes.push(`node ${id} (${type}) would become ${mapping.ourType}, which this app has not registered; kept as ${type}`);
    else report.notes.push(`node ${id} has ComfyUI type ${type}, which has no counterpart here; kept with its links and its widget values (properties.${COMFY_WIDGETS_PROPERTY})`);
    return KeptNode.fromUi(id, type, raw, layoutOf(raw, false));
  }
  const named = namedFromPositional(raw.widgets_values, mapping.widgets, { id, type });
  const translated = layoutOf(raw, true);
  const { [OWN_VALUES_PROPERTY]: _ownValues, ...properties } = translated.properties;
  let layout = { ...translated, properties };
  if (!named.ok) {
    report.issues.push({
      ...named.issue,
      nodeType: definition.schema.type,
      message: `as ComfyUI's ${type}: ${named.issue.message}`,
      hint: `Its widgets were reset to their defaults and ComfyUI's values kept in properties.${COMFY_WIDGETS_PROPERTY}; set them on the canvas.`,
    });
    layout = { ...layout, properties: { ...layout.properties, [COMFY_WIDGETS_PROPERTY]: raw.widgets_values } };
  }
  const node = new MappedNode(id, mapping, definition, layout);
  if (ownValues !== undefined) node.restoreOwnValues(ownValues);
  if (named.ok) node.applyValues({ widgets: named.widgets, controls: named.widget_controls }, report);
  return node;
}

/** The ComfyUI input a UI link arrives at: a converted widget is named by its widget. */
function comfyInputName(raw: JsonObject | undefined, slot: number): string | undefined {
  const input: unknown = Array.isArray(raw?.inputs) ? raw.inputs[slot] : undefined;
  if (!isJsonObject(input)) return undefined;
  if (isJsonObject(input.widget) && typeof input.widget.name === 'string') return input.widget.name;
  return typeof input.name === 'string' ? input.name : undefined;
}

function importLinks(json: JsonObject, raws: Map<number, JsonObject>, nodes: Map<number, ImportedNode>, report: ImportReport): WorkflowLink[] {
  const links: WorkflowLink[] = [];
  for (const entry of Array.isArray(json.links) ? json.links : []) {
    const link = readLink(entry);
    if (link === undefined) {
      report.issues.push({ code: 'invalid_workflow', message: `link ${JSON.stringify(entry)} is not [id, origin_id, origin_slot, target_id, target_slot, type]; it was dropped` });
      continue;
    }
    const origin = nodes.get(link.origin_id);
    const target = nodes.get(link.target_id);
    const inputName = comfyInputName(raws.get(link.target_id), link.target_slot) ?? `#${link.target_slot}`;
    // A link to a node the file lacks stays as it is: the validator reports it as dangling.
    const originSlot = origin ? origin.connectOutput(link.origin_slot, link.type) : link.origin_slot;
    const targetSlot = target ? target.connectInput(inputName, link.target_slot, link.type) : link.target_slot;
    if (originSlot === undefined || targetSlot === undefined) {
      report.issues.push({
        code: 'dangling_link',
        nodeId: String(link.target_id),
        ...(target ? { nodeType: target.type } : {}),
        message: `link ${link.id} from node ${link.origin_id} output ${link.origin_slot} into input "${inputName}" has no counterpart here; it was dropped`,
        hint: 'Reconnect the two nodes on the canvas.',
      });
      continue;
    }
    links.push({ ...link, origin_slot: originSlot, target_slot: targetSlot });
  }
  return links;
}

function importGroups(value: unknown): Workflow['groups'] {
  if (!Array.isArray(value)) return [];
  return value.filter(isJsonObject).flatMap((group) => {
    const bounding = readVec4(group.bounding);
    return bounding ? [{ ...group, title: typeof group.title === 'string' ? group.title : '', bounding }] : [];
  });
}

/** ComfyUI keeps the canvas offset in `extra.ds`; old files wrote it as `{"0": x, "1": y}`. */
function importExtra(value: unknown): Record<string, unknown> {
  if (!isJsonObject(value)) return {};
  if (!isJsonObject(value.ds)) return { ...value };
  const offset = readVec2(value.ds.offset);
  return { ...value, ds: { ...value.ds, ...(offset ? { offset } : {}) } };
}

export function importComfyUiGraph(json: JsonObject, registry: NodeRegistry, report: ImportReport): GraphImport {
  const raws = new Map<number, JsonObject>();
  const nodes = new Map<number, ImportedNode>();
  const unknownTypes = new Set<string>();
  for (const raw of Array.isArray(json.nodes) ? json.nodes : []) {
    const id: unknown = isJsonObject(raw) ? raw.id : undefined;
    const type: unknown = isJsonObject(raw) ? raw.type : undefined;
    if (!isJsonObject(raw) || !Number.isInteger(id) || (id as number) < 0 || typeof type !== 'string' || nodes.has(id as number)) {
      report.issues.push({ code: 'invalid_workflow', message: `node entry ${JSON.stringify(raw)?.slice(0, 80)} has no unique numeric id and type; it was left out` });
      continue;
    }
    raws.set(id as number, raw);
    const node = importNode(raw, id as number, type, registry, report);
    if (node instanceof KeptNode) unknownTypes.add(type);
    nodes.set(node.id, node);
  }
  const links = importLinks(json, raws, nodes, report);
  const finished = [...nodes.values()].map((node) => node.finish(links));
  const savedLastNode = json.last_node_id;
  const savedLastLink = json.last_link_id;
  return {
    workflow: {
      format: WORKFLOW_FORMAT,
      version: WORKFLOW_VERSION,
      last_node_id: Math.max(Number.isInteger(savedLastNode) ? (savedLastNode as number) : 0, largestId(finished)),
      last_link_id: Math.max(Number.isInteger(savedLastLink) ? (savedLastLink as number) : 0, largestId(links)),
      nodes: finished,
      links,
      groups: importGroups(json.groups),
      extra: importExtra(json.extra),
    },
    unknownTypes: [...unknownTypes].sort(),
  };
}
