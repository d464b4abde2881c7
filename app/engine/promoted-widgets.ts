/**
 * The values a subgraph instance holds for its promoted widgets, in the two forms ComfyUI's frontend
 * has saved:
 *
 * - linked inputs (ADR 0009, what the frontend writes now): a subgraph input linked to an inner
 *   widget, shown as an input with `widget` on the instance; the instance's `widgets_values` holds
 *   the values in the order of those inputs;
 * - `properties.proxyWidgets` (the form before it, still read by the frontend and migrated on load):
 *   a list of [inner node id, widget name] (an array, or that array as JSON text), the instance's
 *   `widgets_values` in the same order. An entry whose widget is fed by a subgraph input is that
 *   input's value ("already linked"); "-1" names a subgraph input by its name; any other entry is a
 *   bare promotion, whose value replaces the inner widget's for this instance.
 *
 * A missing value (a hole, or nothing saved) leaves the inner widget's own value, as the frontend's
 * migration does. Widget names are ComfyUI's; an imported node's renamed inputs are translated.
 */
import { PROXY_WIDGETS_PROPERTY, type WidgetValue, type WorkflowNode } from '../protocol/index.js';
import { comfyClassOf, ourInputName } from './comfyui/comfy-origin.js';
import { COMFY_WIDGETS_PROPERTY } from './comfyui/kept-node.js';
import { isWidgetValue } from './positional-widgets.js';
import { SUBGRAPH_INPUT_NODE_ID, type SubgraphDefinition } from './subgraph-definitions.js';

export { PROXY_WIDGETS_PROPERTY };

export interface PromotedWidgets {
  /** By the definition's input slot. */
  readonly inputs: ReadonlyMap<number, WidgetValue>;
  /** Bare promotions: by inner node id, then our widget name. */
  readonly inner: ReadonlyMap<number, ReadonlyMap<string, WidgetValue>>;
}

/** An entry that is not a [node id, widget name] pair is null, keeping the others' places. */
export type ProxyEntry = readonly [nodeId: string, widget: string] | null;

export function promotedWidgetsOf(instance: WorkflowNode, definition: SubgraphDefinition): PromotedWidgets {
  const saved = instance.properties[COMFY_WIDGETS_PROPERTY];
  const values: readonly unknown[] = Array.isArray(saved) ? saved : [];
  const proxies = proxyEntries(instance.properties[PROXY_WIDGETS_PROPERTY]);
  return proxies.length > 0 ? fromProxies(proxies, values, definition) : fromLinkedInputs(instance, values);
}

function fromLinkedInputs(instance: WorkflowNode, values: readonly unknown[]): PromotedWidgets {
  const inputs = new Map<number, WidgetValue>();
  let index = 0;
  instance.inputs.forEach((input, slot) => {
    if (typeof input.widget !== 'object' || input.widget === null) return;
    const value = values[index++];
    if (isWidgetValue(value)) inputs.set(slot, value);
  });
  return { inputs, inner: new Map() };
}

function fromProxies(proxies: readonly ProxyEntry[], values: readonly unknown[], definition: SubgraphDefinition): PromotedWidgets {
  const inputs = new Map<number, WidgetValue>();
  const inner = new Map<number, Map<string, WidgetValue>>();
  proxies.forEach((entry, index) => {
    const value = values[index];
    if (entry === null || !isWidgetValue(value)) return;
    const [nodeId, name] = entry;
    if (nodeId === '-1') {
      const slot = definition.inputs.findIndex((input) => input.name === name);
      if (slot >= 0) inputs.set(slot, value);
      return;
    }
    const node = definition.nodes.find((candidate) => String(candidate.id) === nodeId);
    if (!node) return;
    const comfyClass = comfyClassOf(node);
    const widget = comfyClass === undefined ? name : ourInputName(comfyClass, name);
    const slot = linkedSubgraphInput(definition, node, widget);
    if (slot !== undefined) inputs.set(slot, value);
    else inner.set(node.id, (inner.get(node.id) ?? new Map<string, WidgetValue>()).set(widget, value));
  });
  return { inputs, inner };
}

/** The subgraph input slot feeding `widget` of `node`, if a link from the input node does. */
export function linkedSubgraphInput(definition: SubgraphDefinition, node: WorkflowNode, widget: string): number | undefined {
  const linkId = node.inputs.find((input) => input.name === widget)?.link;
  const link = linkId === null || linkId === undefined ? undefined : definition.links.find((candidate) => candidate.id === linkId);
  return link?.origin_id === SUBGRAPH_INPUT_NODE_ID ? link.origin_slot : undefined;
}

export function proxyEntries(property: unknown): ProxyEntry[] {
  let list = property;
  if (typeof list === 'string') {
    try {
      list = JSON.parse(list);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(list)) return [];
  return list.map((entry: unknown) => (Array.isArray(entry) && (typeof entry[0] === 'string' || typeof entry[0] === 'number') && typeof entry[1] === 'string' ? ([String(entry[0]), entry[1]] as const) : null));
}
