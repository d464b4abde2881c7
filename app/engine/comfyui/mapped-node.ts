/**
 * A ComfyUI node that has a counterpart here: its values are renamed and converted through the node
 * map, its inputs and outputs laid out by our registered schema, and its slots renumbered by name
 * (inputs) and by type (outputs) — ComfyUI's slot numbers mean nothing on our side.
 */
import { controlDefaultOf, isWidget, linkTypeOf } from '../../protocol/index.js';
import type { InputSpec, SeedControl, WidgetInputSpec, WidgetValue, WorkflowLink, WorkflowNode } from '../../protocol/index.js';
import type { AnyNodeDefinition } from '../node-definition.js';
import { isWidgetValue } from '../positional-widgets.js';
import { COMFY_CLASS_PROPERTY } from './comfy-origin.js';
import type { ImportedNode, ImportReport, NodeLayout } from './imported-node.js';
import { linkIdInto, linkIdsOutOf } from './imported-node.js';
import type { ComfyNodeMapping } from './node-map.js';
import type { OwnValues } from './own-values.js';

/** Widget values and seed controls under ComfyUI's names. */
export interface ComfyValues {
  widgets: Record<string, unknown>;
  controls: Record<string, SeedControl>;
}

interface WorkflowInputSlot {
  name: string;
  type: string;
  link: number | null;
  widget?: { name: string };
}

const inputSlotOf = (spec: InputSpec): WorkflowInputSlot => ({
  name: spec.name,
  type: linkTypeOf(spec),
  link: null,
  ...(isWidget(spec) ? { widget: { name: spec.name } } : {}),
});

export class MappedNode implements ImportedNode {
  readonly id: number;
  readonly type: string;
  readonly #mapping: ComfyNodeMapping;
  readonly #definition: AnyNodeDefinition;
  readonly #layout: NodeLayout;
  readonly #inputs: WorkflowInputSlot[];
  readonly #widgets: Record<string, WidgetValue> = {};
  readonly #controls: Record<string, SeedControl> = {};

  constructor(id: number, mapping: ComfyNodeMapping, definition: AnyNodeDefinition, layout: NodeLayout) {
    this.id = id;
    this.type = definition.schema.type;
    this.#mapping = mapping;
    this.#definition = definition;
    this.#layout = layout;
    // Sockets, and widgets drawn as sockets from the start, in schema order; a widget a ComfyUI link
    // feeds is appended when that link arrives, as litegraph does when a widget is converted.
    this.#inputs = definition.schema.inputs.filter((spec) => !isWidget(spec) || spec.forceInput).map(inputSlotOf);
    // Widgets ComfyUI's node lacks, or whose value its file leaves out, start at our defaults.
    for (const spec of definition.schema.inputs.filter(isWidget)) {
      this.#widgets[spec.name] = spec.default;
      const control = controlDefaultOf(spec);
      if (control !== undefined) this.#controls[spec.name] = control;
    }
  }

  #label(): string {
    return `node ${this.id} (${this.#mapping.comfyType} → ${this.type})`;
  }

  #ourName(comfyName: string): string {
    return this.#mapping.renamedInputs[comfyName] ?? comfyName;
  }

  #widgetSpec(ourName: string): WidgetInputSpec | undefined {
    return this.#definition.schema.inputs.filter(isWidget).find((spec) => spec.name === ourName);
  }

  #hasControl(ourName: string): boolean {
    const spec = this.#widgetSpec(ourName);
    return spec !== undefined && controlDefaultOf(spec) !== undefined;
  }

  /** Takes back the values of ours that ComfyUI's node cannot hold (written by the export), by our names. */
  restoreOwnValues(values: OwnValues): void {
    for (const [name, value] of Object.entries(values.widgets)) if (this.#widgetSpec(name) !== undefined) this.#widgets[name] = value;
    for (const [name, control] of Object.entries(values.widget_controls)) if (this.#hasControl(name)) this.#controls[name] = control;
  }

  /** Takes ComfyUI's values; those without a counterpart are reported, never silently dropped. */
  applyValues(values: ComfyValues, report: ImportReport): void {
    for (const [comfyName, value] of Object.entries(values.widgets)) {
      const ourName = this.#ourName(comfyName);
      if (this.#mapping.pageOnlyWidgets?.includes(comfyName)) continue;
      if (this.#widgetSpec(ourName) === undefined) {
        report.notes.push(`${this.#label()}: ComfyUI's "${comfyName}" (${JSON.stringify(value)}) has no counterpart here and was left out`);
        continue;
      }
      if (!isWidgetValue(value)) {
        report.issues.push({
          code: 'invalid_value',
          nodeId: String(this.id),
          nodeType: this.type,
          field: ourName,
          message: `ComfyUI's "${comfyName}" holds ${JSON.stringify(value)}, which is not a number, string, boolean or null`,
          hint: 'Set the value on the canvas.',
        });
        continue;
      }
      const converted = this.#mapping.convert?.[ourName]?.(value) ?? { value };
      if (converted.note !== undefined) report.notes.push(`${this.#label()}, ${ourName}: ${converted.note}`);
      this.#widgets[ourName] = converted.value;
    }
    for (const [comfyName, control] of Object.entries(values.controls)) {
      const ourName = this.#ourName(comfyName);
      if (this.#hasControl(ourName)) this.#controls[ourName] = control;
      else if (control !== 'fixed') report.notes.push(`${this.#label()}: ComfyUI's control after "${comfyName}" ("${control}") has no counterpart here; the value stays fixed`);
    }
  }

  connectInput(name: string): number | undefined {
    const ourName = this.#ourName(name);
    const existing = this.#inputs.findIndex((input) => input.name === ourName);
    if (existing >= 0) return existing;
    const spec = this.#widgetSpec(ourName);
    if (spec === undefined) return undefined;
    this.#inputs.push(inputSlotOf(spec));
    return this.#inputs.length - 1;
  }

  /** ComfyUI's n-th output of a type lands on our n-th output of that type. */
  connectOutput(slot: number): number | undefined {
    const type = this.#mapping.outputs[slot];
    if (type === undefined) return undefined;
    const occurrence = this.#mapping.outputs.slice(0, slot).filter((earlier) => earlier === type).length;
    const ours = this.#definition.schema.outputs
      .map((output, index) => ({ type: output.type, index }))
      .filter((output) => output.type === type);
    return ours[occurrence]?.index;
  }

  outputType(slot: number): string | undefined {
    return this.#mapping.outputs[slot];
  }

  inputType(name: string): string | undefined {
    const spec = this.#definition.schema.inputs.find((input) => input.name === this.#ourName(name));
    return spec === undefined ? undefined : linkTypeOf(spec);
  }

  finish(links: readonly WorkflowLink[]): WorkflowNode {
    const { schema } = this.#definition;
    return {
      id: this.id,
      type: this.type,
      version: schema.version,
      ...this.#layout.carried,
      pos: this.#layout.pos,
      size: this.#layout.size,
      mode: this.#layout.mode,
      inputs: this.#inputs.map((input, slot) => ({ ...input, link: linkIdInto(links, this.id, slot) })),
      outputs: schema.outputs.map((output, slot) => ({ name: output.name, type: output.type, links: linkIdsOutOf(links, this.id, slot) })),
      widgets: { ...this.#widgets },
      widget_controls: { ...this.#controls },
      properties: { ...this.#layout.properties, [COMFY_CLASS_PROPERTY]: this.#mapping.comfyType },
    };
  }
}
