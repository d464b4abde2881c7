/**
 * One node of ours as ComfyUI sees it, for both export formats. Three kinds:
 * - a node with a ComfyUI counterpart (the node map): ComfyUI's type, input names, widget order and
 *   values, its outputs in ComfyUI's order; the values ComfyUI's node cannot hold (Sampler's eta, …)
 *   ride along in a property so nothing is lost when the file comes back;
 * - a node of ours with no counterpart (ReDilate, …): written under its own type, which ComfyUI keeps
 *   as a missing node (drawn red, saved back untouched), with its values by name in that property;
 * - a node this app does not know (kept from a ComfyUI import): written back as it came.
 */
import { isWidget } from '../../protocol/index.js';
import type { SeedControl, WidgetValue, WorkflowNode } from '../../protocol/index.js';
import { UNMAPPED_WIDGETS_PROPERTY } from '../migrations/workflow-v0-to-v1.js';
import type { AnyNodeDefinition } from '../node-definition.js';
import type { NodeRegistry } from '../node-registry.js';
import { widgetOrderOf } from '../positional-widgets.js';
import { COMFY_INPUTS_PROPERTY, COMFY_WIDGETS_PROPERTY } from './kept-node.js';
import { COMFY_EXPORT_MAP } from './node-map.js';
import type { ComfyNodeMapping } from './node-map.js';
import { OWN_VALUES_PROPERTY } from './own-values.js';
import type { OwnValues } from './own-values.js';

/** ComfyUI's search-and-replace name, which its frontend gives every node it creates. */
export const COMFY_TYPE_NAME_PROPERTY = 'Node name for S&R';

export interface ComfyOutput {
  name: string;
  type: string;
}

/** An input slot as ComfyUI writes it (its `link` is filled in from the exported links). */
export interface ComfyInputSlot {
  name: string;
  type: string;
  /** Marks a widget converted to an input, by ComfyUI's widget name. */
  widget?: { name: string };
  [key: string]: unknown;
}

type OurInputSlot = WorkflowNode['inputs'][number];

export interface NodeExport {
  readonly comfyType: string;
  /** The title ComfyUI's API format gives this node when the user gave none. */
  readonly defaultTitle: string;
  /** Our input slot as ComfyUI's, or undefined where ComfyUI's node has no such input. */
  input(ours: OurInputSlot): ComfyInputSlot | undefined;
  /** ComfyUI's name for our input in the API format, or undefined where it has none. */
  inputName(ourName: string): string | undefined;
  /** ComfyUI's output slot for our output slot, or undefined where ComfyUI's node has no such output. */
  outputSlot(ourSlot: number): number | undefined;
  /** ComfyUI's outputs, in its order. */
  readonly outputs: readonly ComfyOutput[];
  /** `widgets_values` as ComfyUI writes it, or undefined to leave the key out. */
  readonly widgetsValues: readonly unknown[] | undefined;
  readonly properties: Record<string, unknown>;
  /** Our prompt's literal inputs (by our names) as the API format's, by ComfyUI's names. */
  apiLiterals(ours: Readonly<Record<string, WidgetValue>>): Record<string, unknown>;
  /** What could not be carried into ComfyUI's form. */
  readonly notes: readonly string[];
}

/** Keys of our format that mean nothing to ComfyUI. */
const OUR_NODE_KEYS = ['version', 'widgets', 'widget_controls'];

function ownValues(node: WorkflowNode, definition: AnyNodeDefinition, names: readonly string[]): OwnValues {
  const widgets: Record<string, WidgetValue> = {};
  const widgetControls: Record<string, SeedControl> = {};
  for (const name of names) {
    const value = node.widgets[name];
    if (value !== undefined) widgets[name] = value;
    const control = node.widget_controls[name];
    if (control !== undefined) widgetControls[name] = control;
  }
  return { type: definition.schema.type, version: node.version, widgets, widget_controls: widgetControls };
}

/** A slot of a registered node: a widget fed by a link is marked as ComfyUI marks a converted widget. */
function schemaInput(definition: AnyNodeDefinition, ours: OurInputSlot, name: string): ComfyInputSlot {
  const spec = definition.schema.inputs.find((candidate) => candidate.name === ours.name);
  const convertedWidget = spec !== undefined && isWidget(spec) && spec.forceInput !== true;
  return { name, type: ours.type, ...(convertedWidget ? { widget: { name } } : {}) };
}

const ourNameOf = (mapping: ComfyNodeMapping, comfyName: string) => mapping.renamedInputs[comfyName] ?? comfyName;

const convertedBack = (mapping: ComfyNodeMapping, ourName: string, value: WidgetValue) => mapping.convertBack?.[ourName]?.(value) ?? value;

/** ComfyUI's `widgets_values` for a mapped node: its widgets in its order, a control after a seed. */
function mappedWidgetsValues(node: WorkflowNode, mapping: ComfyNodeMapping, definition: AnyNodeDefinition, notes: string[]): unknown[] {
  const values: unknown[] = [];
  for (const widget of mapping.widgets) {
    const ourName = ourNameOf(mapping, widget.name);
    const spec = definition.schema.inputs.filter(isWidget).find((candidate) => candidate.name === ourName);
    if (spec === undefined) notes.push(`node ${node.id} (${node.type} → ${mapping.comfyType}): ComfyUI's "${widget.name}" has no counterpart here; it was written empty`);
    values.push(convertedBack(mapping, ourName, node.widgets[ourName] ?? spec?.default ?? null));
    if (widget.hasControl) values.push(node.widget_controls[ourName] ?? 'fixed');
  }
  return values;
}

/** Our n-th output of a type is ComfyUI's n-th output of that type (the import's rule, read backwards). */
function mappedOutputSlot(mapping: ComfyNodeMapping, definition: AnyNodeDefinition, ourSlot: number): number | undefined {
  const ours = definition.schema.outputs;
  const type = ours[ourSlot]?.type;
  const occurrence = ours.slice(0, ourSlot).filter((output) => output.type === type).length;
  return mapping.outputs.flatMap((comfyType, slot) => (comfyType === type ? [slot] : []))[occurrence];
}

function mappedExport(node: WorkflowNode, mapping: ComfyNodeMapping, definition: AnyNodeDefinition): NodeExport {
  const notes: string[] = [];
  const comfyNameOf = new Map(Object.entries(mapping.renamedInputs).map(([comfy, ours]) => [ours, comfy]));
  const comfyName = (ours: string) => comfyNameOf.get(ours) ?? ours;
  const comfyWidgets = new Set(mapping.widgets.map((widget) => widget.name));
  const ourWidgetNames = definition.schema.inputs.filter(isWidget).map((spec) => spec.name);
  const extras = ourWidgetNames.filter((name) => !comfyWidgets.has(comfyName(name)));
  // ComfyUI's node has every socket of ours (the import matches them by name); widgets only where listed.
  const inputName = (ourName: string) => (extras.includes(ourName) ? undefined : comfyName(ourName));
  return {
    comfyType: mapping.comfyType,
    defaultTitle: mapping.comfyTitle,
    input: (ours) => {
      const name = inputName(ours.name);
      return name === undefined ? undefined : schemaInput(definition, ours, name);
    },
    inputName,
    outputSlot: (ourSlot) => mappedOutputSlot(mapping, definition, ourSlot),
    outputs: mapping.outputs.map((type) => ({ name: type, type })),
    widgetsValues: mappedWidgetsValues(node, mapping, definition, notes),
    properties: {
      [COMFY_TYPE_NAME_PROPERTY]: mapping.comfyType,
      ...node.properties,
      ...(extras.length > 0 ? { [OWN_VALUES_PROPERTY]: ownValues(node, definition, extras) } : {}),
    },
    apiLiterals: (ours) => {
      const literals: Record<string, unknown> = {};
      for (const { name } of mapping.widgets) {
        const value = ours[ourNameOf(mapping, name)];
        if (value !== undefined) literals[name] = convertedBack(mapping, ourNameOf(mapping, name), value);
      }
      return literals;
    },
    notes,
  };
}

function ownExport(node: WorkflowNode, definition: AnyNodeDefinition): NodeExport {
  const order = widgetOrderOf(definition.schema.inputs);
  const widgetsValues = order.flatMap((widget) => {
    const value = node.widgets[widget.name] ?? null;
    return widget.hasControl ? [value, node.widget_controls[widget.name] ?? 'fixed'] : [value];
  });
  return {
    comfyType: node.type,
    defaultTitle: node.type,
    input: (ours) => schemaInput(definition, ours, ours.name),
    inputName: (ourName) => ourName,
    outputSlot: (ourSlot) => ourSlot,
    outputs: node.outputs.map((output) => ({ name: output.name, type: output.type })),
    widgetsValues,
    properties: {
      [COMFY_TYPE_NAME_PROPERTY]: node.type,
      ...node.properties,
      [OWN_VALUES_PROPERTY]: ownValues(node, definition, order.map((widget) => widget.name)),
    },
    apiLiterals: (ours) => ({ ...ours }),
    notes: [],
  };
}

/** A node kept from a ComfyUI import, or from an old file of ours, goes back with the values it came with. */
function keptExport(node: WorkflowNode): NodeExport {
  const { [COMFY_WIDGETS_PROPERTY]: positional, [UNMAPPED_WIDGETS_PROPERTY]: unmapped, [COMFY_INPUTS_PROPERTY]: named, ...properties } = node.properties;
  const widgetsValues = positional ?? unmapped;
  return {
    comfyType: node.type,
    defaultTitle: node.type,
    input: ({ link: _link, ...slot }) => slot,
    inputName: (ourName) => ourName,
    outputSlot: (ourSlot) => ourSlot,
    outputs: node.outputs.map((output) => ({ name: output.name, type: output.type })),
    widgetsValues: Array.isArray(widgetsValues) ? widgetsValues : undefined,
    // API-format values (by name) stay where they are: their positions in ComfyUI's widget order are unknown.
    properties: { ...properties, ...(named === undefined ? {} : { [COMFY_INPUTS_PROPERTY]: named }) },
    apiLiterals: (ours) => ({ ...(typeof named === 'object' && named !== null ? named : {}), ...ours }),
    notes: [],
  };
}

export function exportNode(node: WorkflowNode, registry: NodeRegistry): NodeExport {
  const definition = registry.get(node.type);
  if (definition === undefined) return keptExport(node);
  const mapping = COMFY_EXPORT_MAP.get(node.type);
  return mapping ? mappedExport(node, mapping, definition) : ownExport(node, definition);
}

/** The node's own keys a ComfyUI node carries as they are (title, colours, flags, extension keys). */
export function carriedKeys(node: WorkflowNode): Record<string, unknown> {
  const rebuilt = new Set([...OUR_NODE_KEYS, 'id', 'type', 'pos', 'size', 'mode', 'order', 'inputs', 'outputs', 'properties', 'widgets_values']);
  return Object.fromEntries(Object.entries(node).filter(([key]) => !rebuilt.has(key)));
}
