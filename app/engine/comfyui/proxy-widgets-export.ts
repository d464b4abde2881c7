/**
 * An instance saved in the older `properties.proxyWidgets` form, rewritten for export in the form
 * ComfyUI's frontend saves now (its ADR 0009 treats proxyWidgets as legacy; its load-time migration,
 * migrateLegacyProxyWidgets, does what this does):
 * each bare promotion becomes a subgraph input of the definition linked to the inner widget, shown on
 * every instance as a widget-bearing input; each instance's `widgets_values` then holds its promoted
 * values in the order of those inputs, and proxyWidgets is dropped. A promotion the instance had no
 * value for keeps the inner widget's own value, so the export runs as the import did.
 */
import { innerTarget, linkTypeOf, type WidgetValue, type Workflow, type WorkflowNode } from '../../protocol/index.js';
import type { NodeRegistry } from '../node-registry.js';
import { linkedSubgraphInput, PROXY_WIDGETS_PROPERTY, promotedWidgetsOf, proxyEntries } from '../promoted-widgets.js';
import { rawSubgraphsOf, SUBGRAPH_INPUT_NODE_ID, subgraphDefinitions, type SubgraphDefinition } from '../subgraph-definitions.js';
import { comfyClassOf, ourInputName } from './comfy-origin.js';
import { COMFY_WIDGETS_PROPERTY } from './kept-node.js';

/** A bare promotion turned into subgraph input `slot`, fed to `widget` of inner node `nodeId` by link `linkId`. */
interface NewInput {
  nodeId: number;
  widget: string;
  name: string;
  type: string;
  slot: number;
  linkId: number;
}

type RawGraph = Record<string, unknown>;

/** Where each instance lives: the root graph ('') or a definition's id, then the node's id. */
const placeOf = (owner: string, node: WorkflowNode) => `${owner}/${node.id}`;

export function withProxyWidgetsLinked(workflow: Workflow, registry: NodeRegistry): Workflow {
  const definitions = subgraphDefinitions(workflow);
  const graphs: [string, readonly WorkflowNode[]][] = [['', workflow.nodes], ...[...definitions.values()].map((definition): [string, readonly WorkflowNode[]] => [definition.id, definition.nodes])];
  const changedDefinitions = new Map<string, SubgraphDefinition>();
  const changedInstances = new Map<string, WorkflowNode>();
  for (const definition of definitions.values()) {
    const instances = graphs.flatMap(([owner, nodes]) => nodes.filter((node) => node.type === definition.id).map((node) => [owner, node] as const));
    if (!instances.some(([, node]) => node.properties[PROXY_WIDGETS_PROPERTY] !== undefined)) continue;
    const added = newInputsOf(definition, instances.map(([, node]) => node), registry);
    changedDefinitions.set(definition.id, withNewInputs(definition, added));
    for (const [owner, node] of instances) changedInstances.set(placeOf(owner, node), linkedInstance(node, definition, added));
  }
  if (changedInstances.size === 0) return workflow;
  return rewriteGraph(workflow as unknown as RawGraph, '', changedDefinitions, changedInstances) as unknown as Workflow;
}

/** The bare promotions of every proxyWidgets instance, once each, as new subgraph inputs. */
function newInputsOf(definition: SubgraphDefinition, instances: readonly WorkflowNode[], registry: NodeRegistry): NewInput[] {
  const added: NewInput[] = [];
  const names = new Set(definition.inputs.map((input) => input.name));
  let linkId = Math.max(0, ...definition.links.map((link) => link.id));
  for (const instance of instances) {
    for (const entry of proxyEntries(instance.properties[PROXY_WIDGETS_PROPERTY])) {
      const node = entry && entry[0] !== '-1' ? definition.nodes.find((candidate) => String(candidate.id) === entry[0]) : undefined;
      if (!entry || !node) continue;
      const comfyClass = comfyClassOf(node);
      const widget = comfyClass === undefined ? entry[1] : ourInputName(comfyClass, entry[1]);
      if (linkedSubgraphInput(definition, node, widget) !== undefined || added.some((input) => input.nodeId === node.id && input.widget === widget)) continue;
      const name = uniqueName(entry[1], names);
      added.push({ nodeId: node.id, widget, name, type: widgetType(node, widget, registry), slot: definition.inputs.length + added.length, linkId: ++linkId });
    }
  }
  return added;
}

/** As litegraph's nextUniqueName: `seed`, then `seed_1`, `seed_2`… */
function uniqueName(wanted: string, taken: Set<string>): string {
  let name = wanted;
  for (let suffix = 1; taken.has(name); suffix++) name = `${wanted}_${suffix}`;
  taken.add(name);
  return name;
}

/** The type a link into the widget carries: its socket's if it has one, else its schema's. */
function widgetType(node: WorkflowNode, widget: string, registry: NodeRegistry): string {
  const socket = node.inputs.find((input) => input.name === widget);
  const spec = registry.get(node.type)?.schema.inputs.find((input) => input.name === widget);
  return socket?.type ?? (spec ? linkTypeOf(spec) : '*');
}

function withNewInputs(definition: SubgraphDefinition, added: readonly NewInput[]): SubgraphDefinition {
  const nodes = definition.nodes.map((node) => {
    const mine = added.filter((input) => input.nodeId === node.id);
    if (mine.length === 0) return node;
    const inputs = [...node.inputs];
    for (const input of mine) {
      const index = inputs.findIndex((candidate) => candidate.name === input.widget);
      const linked = { name: input.widget, type: input.type, link: input.linkId, widget: { name: input.widget } };
      if (index < 0) inputs.push(linked);
      else inputs[index] = { ...inputs[index]!, link: input.linkId };
    }
    return { ...node, inputs };
  });
  const links = added.map((input) => {
    const node = nodes.find((candidate) => candidate.id === input.nodeId)!;
    const targetSlot = node.inputs.findIndex((candidate) => candidate.name === input.widget);
    return { id: input.linkId, origin_id: SUBGRAPH_INPUT_NODE_ID, origin_slot: input.slot, target_id: input.nodeId, target_slot: targetSlot, type: input.type };
  });
  const lastLinkId = Math.max(0, ...definition.links.map((link) => link.id), ...links.map((link) => link.id));
  const state = typeof definition.state === 'object' && definition.state !== null ? { ...definition.state, lastLinkId } : undefined;
  return {
    ...definition,
    ...(state ? { state } : {}),
    inputs: [...definition.inputs, ...added.map((input) => ({ name: input.name, type: input.type, linkIds: [input.linkId] }))],
    nodes,
    links: [...definition.links, ...links],
  };
}

/** An instance with a widget-bearing input per promoted value and those values in their order. */
function linkedInstance(instance: WorkflowNode, definition: SubgraphDefinition, added: readonly NewInput[]): WorkflowNode {
  const promoted = promotedWidgetsOf(instance, definition);
  const own = definition.inputs.map((slot, index) => {
    const input = instance.inputs[index] ?? { name: slot.name, type: slot.type, link: null };
    return promoted.inputs.has(index) && input.widget === undefined ? { ...input, widget: { name: input.name } } : input;
  });
  const inputs = [...own, ...instance.inputs.slice(own.length), ...added.map((input) => ({ name: input.name, type: input.type, link: null, widget: { name: input.name } }))];
  const values: WidgetValue[] = [];
  inputs.forEach((input, slot) => {
    if (typeof input.widget !== 'object' || input.widget === null) return;
    const fresh = added.find((candidate) => candidate.slot === slot);
    const inner = fresh && definition.nodes.find((node) => node.id === fresh.nodeId);
    values.push(fresh ? (promoted.inner.get(fresh.nodeId)?.get(fresh.widget) ?? inner?.widgets[fresh.widget] ?? null) : (promoted.inputs.get(slot) ?? innerValueAt(definition, slot)));
  });
  const { [PROXY_WIDGETS_PROPERTY]: _legacy, ...properties } = instance.properties;
  return { ...instance, inputs, properties: { ...properties, [COMFY_WIDGETS_PROPERTY]: values } };
}

/** The value of the inner widget subgraph input `slot` feeds first, for an instance that saved none. */
function innerValueAt(definition: SubgraphDefinition, slot: number): WidgetValue {
  const target = innerTarget(definition, slot);
  return (target && target.node.widgets[target.widget]) ?? null;
}

/** `graph` with its changed instances and, at any depth, its changed definitions put in. */
function rewriteGraph(graph: RawGraph, owner: string, definitions: ReadonlyMap<string, SubgraphDefinition>, instances: ReadonlyMap<string, WorkflowNode>): RawGraph {
  const nodes = Array.isArray(graph.nodes) ? (graph.nodes as WorkflowNode[]).map((node) => instances.get(placeOf(owner, node)) ?? node) : graph.nodes;
  const subgraphs = rawSubgraphsOf(graph).map((raw) => {
    const id = (raw as RawGraph).id;
    const changed = typeof id === 'string' ? (definitions.get(id) as RawGraph | undefined) : undefined;
    return typeof id === 'string' ? rewriteGraph({ ...(raw as RawGraph), ...changed }, id, definitions, instances) : raw;
  });
  return { ...graph, nodes, ...(subgraphs.length > 0 ? { definitions: { ...(graph.definitions as object), subgraphs } } : {}) };
}
