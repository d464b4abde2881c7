/**
 * Node types are made at run time from the engine's schemas (the nodeSchemas request), so a node
 * added to the engine appears on the canvas — in the search box and the categorised add-menu —
 * with its sockets and widgets, and no renderer change. Each widget also gets a widget-input slot
 * (as ComfyUI's canvas does): drop a link of the widget's primitive type on it to drive it from
 * another node.
 */
import { LGraphNode, LiteGraph } from '@comfyorg/litegraph';
import { linkTypeOf, SEED_CONTROLS, type NodeSchema, type WidgetInputSpec } from '../../../app/protocol/index.js';
import { controlWidgetName } from '../workflow/canvas-state.js';
import type { ModelCatalog } from '../models/model-catalog.js';
import { ModelPickerWidget } from './widgets/model-picker-widget.js';
import { SafeNumberWidget } from './widgets/number-widget.js';
import { widenToFitWidgets } from './readable-text.js';
import { LineTextWidget, MultilineTextWidget } from './widgets/text-widgets.js';

/** What a schema-made node class carries besides litegraph's statics. */
export interface SchemaNodeClass {
  schema: NodeSchema;
}

/** Marks the combo next to a seed that holds its after-queue control. */
export interface ControlWidgetMark {
  controlOf?: string;
}

/** `models`: the engine's model list, for widgets that name a model (schema `modelList`). */
export function registerNodeTypes(schemas: readonly NodeSchema[], models: ModelCatalog): void {
  for (const schema of schemas) {
    const NodeType = class extends LGraphNode {
      static override title = schema.displayName;
      static schema = schema;
      constructor(title?: string) {
        super(title ?? schema.displayName);
        buildNode(this, schema, models);
      }
    };
    LiteGraph.registerNodeType(schema.type, NodeType);
    // registerNodeType derives the category from a "category/Type" name; ours are separate fields.
    Object.assign(NodeType, { category: schema.category, desc: schema.description });
    registerSlotTypes(schema);
  }
}

/**
 * The search box's type filter (a link dropped on the canvas) reads litegraph's slot-type registry,
 * keyed by the lower-case names its filter menu offers. Our sockets are added per instance, which
 * registers nothing, so the schema's sockets are registered here.
 */
function registerSlotTypes(schema: NodeSchema): void {
  const add = (register: Record<string, { nodes: string[] }>, list: string[], type: string) => {
    const key = type.toLowerCase();
    const entry = (register[key] ??= { nodes: [] });
    if (!entry.nodes.includes(schema.type)) entry.nodes.push(schema.type);
    if (!list.includes(key)) list.push(key);
  };
  for (const spec of schema.inputs) add(LiteGraph.registered_slot_in_types as Record<string, { nodes: string[] }>, LiteGraph.slot_types_in, linkTypeOf(spec));
  for (const output of schema.outputs) add(LiteGraph.registered_slot_out_types as Record<string, { nodes: string[] }>, LiteGraph.slot_types_out, output.type);
}

export function schemaOf(node: LGraphNode): NodeSchema | undefined {
  return (node.constructor as Partial<SchemaNodeClass>).schema;
}

function buildNode(node: LGraphNode, schema: NodeSchema, models: ModelCatalog): void {
  // litegraph's own serialisation (copy/paste, clone) carries widget values only when asked to.
  node.serialize_widgets = true;
  for (const spec of schema.inputs) {
    if (spec.kind === 'socket' || spec.forceInput) {
      node.addInput(spec.name, linkTypeOf(spec));
      continue;
    }
    node.addInput(spec.name, linkTypeOf(spec), { widget: { name: spec.name } });
    addWidget(node, spec, models);
  }
  for (const output of schema.outputs) node.addOutput(output.name, output.type);
  const size = node.computeSize();
  const multiline = schema.inputs.some((spec) => spec.kind === 'STRING' && spec.multiline && !spec.forceInput);
  node.size = [Math.max(size[0], multiline ? 400 : 0), size[1] + (multiline ? 80 : 0)];
  widenToFitWidgets(node);
}

const redraw = (node: LGraphNode) => () => node.setDirtyCanvas(true, false);

function addWidget(node: LGraphNode, spec: WidgetInputSpec, models: ModelCatalog): void {
  switch (spec.kind) {
    case 'FLOAT':
      node.addCustomWidget(new SafeNumberWidget(node, spec, spec.default));
      return;
    case 'INT':
    case 'SEED': {
      node.addCustomWidget(new SafeNumberWidget(node, spec, spec.default));
      if (spec.controlDefault === undefined) return;
      const control = node.addWidget('combo', controlWidgetName(spec.name), spec.controlDefault, redraw(node), { values: [...SEED_CONTROLS] });
      Object.assign(control, { controlOf: spec.name, tooltip: `what happens to the ${spec.kind === 'SEED' ? 'seed' : 'value'} after each queue` } satisfies ControlWidgetMark & { tooltip: string });
      return;
    }
    case 'STRING':
      if (spec.modelList) node.addCustomWidget(new ModelPickerWidget(node, spec, spec.default, models));
      else node.addCustomWidget(spec.multiline ? new MultilineTextWidget(node, spec, spec.default) : new LineTextWidget(node, spec, spec.default));
      return;
    case 'BOOLEAN':
      node.addWidget('toggle', spec.name, spec.default, redraw(node), { on: 'true', off: 'false' });
      return;
    case 'COMBO':
      node.addWidget('combo', spec.name, spec.default, redraw(node), { values: [...spec.options] });
      return;
  }
}
