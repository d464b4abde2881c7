/**
 * A ComfyUI node with no counterpart here (custom nodes), or one that exists only in
 * ComfyUI's frontend (Reroute, PrimitiveNode, notes, subgraph instances). It is kept, not dropped:
 * same type, same slots, same links. An unknown node's widget values are preserved as ComfyUI wrote
 * them, so the validator can name it and nothing the user made is lost; a frontend-only node's values
 * are stored by name, for workflow → prompt to use.
 */
import { SUBGRAPH_WIDGET_VALUES_PROPERTY, type SeedControl, type WidgetValue, type WorkflowLink, type WorkflowNode } from '../../protocol/index.js';
import { isJsonObject, readSlotType } from '../migrations/litegraph-layout.js';
import type { ImportedNode, NodeLayout } from './imported-node.js';
import { linkIdInto, linkIdsOutOf } from './imported-node.js';

/** Where a kept node's positional `widgets_values` (UI files) go, in ComfyUI's order (a subgraph instance's promoted values too). */
export const COMFY_WIDGETS_PROPERTY = SUBGRAPH_WIDGET_VALUES_PROPERTY;
/** Where a kept node's literal inputs (API files) go, by ComfyUI's names. */
export const COMFY_INPUTS_PROPERTY = 'comfyui_inputs';

interface Slot {
  name: string;
  type: string;
  [key: string]: unknown;
}

/**
 * litegraph slots may be unnamed (a Reroute's are "") or typed by number (event slots); our format
 * needs non-empty names and string types, so an unnamed slot is called by its type.
 */
function readSlots(value: unknown): Slot[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isJsonObject).map((slot) => {
    const type = readSlotType(slot.type);
    const name = typeof slot.name === 'string' && slot.name.length > 0 ? slot.name : type;
    return { ...slot, name, type };
  });
}

/** Widget values by name, for a frontend-only node (a PrimitiveNode's value and its control). */
export interface NamedValues {
  widgets: Record<string, WidgetValue>;
  controls: Record<string, SeedControl>;
}

const NO_VALUES: NamedValues = { widgets: {}, controls: {} };

export class KeptNode implements ImportedNode {
  readonly id: number;
  readonly type: string;
  readonly #layout: NodeLayout;
  readonly #inputs: Slot[];
  readonly #outputs: Slot[];
  readonly #values: NamedValues;

  private constructor(id: number, type: string, layout: NodeLayout, inputs: Slot[], outputs: Slot[], values: NamedValues = NO_VALUES) {
    this.id = id;
    this.type = type;
    this.#layout = layout;
    this.#inputs = inputs;
    this.#outputs = outputs;
    this.#values = values;
  }

  /** A frontend-only node from a UI file: its own slots, its values by name. */
  static frontendOnly(id: number, type: string, raw: Record<string, unknown>, layout: NodeLayout, values: NamedValues): KeptNode {
    return new KeptNode(id, type, layout, readSlots(raw.inputs), readSlots(raw.outputs), values);
  }

  /** From a UI file: the node's own slots, and its positional widget values moved into properties. */
  static fromUi(id: number, type: string, raw: Record<string, unknown>, layout: NodeLayout): KeptNode {
    const properties = raw.widgets_values === undefined ? layout.properties : { ...layout.properties, [COMFY_WIDGETS_PROPERTY]: raw.widgets_values };
    return new KeptNode(id, type, { ...layout, properties }, readSlots(raw.inputs), readSlots(raw.outputs));
  }

  /** From an API file: slots appear as links reach them; literal inputs are kept in properties by name. */
  static fromApi(id: number, type: string, literals: Record<string, unknown>, layout: NodeLayout): KeptNode {
    const properties = Object.keys(literals).length === 0 ? layout.properties : { ...layout.properties, [COMFY_INPUTS_PROPERTY]: literals };
    return new KeptNode(id, type, { ...layout, properties }, [], []);
  }

  connectInput(name: string, slot: number | undefined, linkType: string): number {
    if (slot !== undefined) return slot;
    const existing = this.#inputs.findIndex((input) => input.name === name);
    if (existing >= 0) return existing;
    this.#inputs.push({ name, type: linkType });
    return this.#inputs.length - 1;
  }

  connectOutput(slot: number, linkType: string): number {
    // API files reveal outputs only through the links that leave them; slots in between stay untyped.
    while (this.#outputs.length <= slot) this.#outputs.push({ name: '*', type: '*' });
    const output = this.#outputs[slot] as Slot;
    if (output.type === '*' && linkType !== '*') this.#outputs[slot] = { ...output, name: linkType, type: linkType };
    return slot;
  }

  outputType(slot: number): string | undefined {
    const type = this.#outputs[slot]?.type;
    return type === '*' ? undefined : type;
  }

  inputType(name: string): string | undefined {
    const type = this.#inputs.find((input) => input.name === name)?.type;
    return type === '*' ? undefined : type;
  }

  finish(links: readonly WorkflowLink[]): WorkflowNode {
    return {
      id: this.id,
      type: this.type,
      ...this.#layout.carried,
      pos: this.#layout.pos,
      size: this.#layout.size,
      mode: this.#layout.mode,
      inputs: this.#inputs.map((input, slot) => ({ ...input, link: linkIdInto(links, this.id, slot) })),
      outputs: this.#outputs.map((output, slot) => ({ ...output, links: linkIdsOutOf(links, this.id, slot) })),
      version: 1,
      widgets: { ...this.#values.widgets },
      widget_controls: { ...this.#values.controls },
      properties: this.#layout.properties,
    };
  }
}
