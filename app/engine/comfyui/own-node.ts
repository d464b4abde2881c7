/**
 * A node of ours with no ComfyUI counterpart (ReDilate, …) coming back from a ComfyUI file this app
 * exported: ComfyUI kept it as a missing node, slots and properties untouched, so its slots are ours
 * as they were and its values are read by name from the property the export wrote — at the
 * node-type version that wrote them, for the node-version migrations to take up.
 */
import type { WorkflowLink, WorkflowNode } from '../../protocol/index.js';
import type { ImportedNode, NodeLayout } from './imported-node.js';
import { KeptNode } from './kept-node.js';
import { OWN_VALUES_PROPERTY } from './own-values.js';
import type { OwnValues } from './own-values.js';

export class OwnNode implements ImportedNode {
  readonly #slots: KeptNode;
  readonly #values: OwnValues;

  constructor(id: number, raw: Record<string, unknown>, layout: NodeLayout, values: OwnValues) {
    const { [OWN_VALUES_PROPERTY]: _values, ...properties } = layout.properties;
    // widgets_values is left behind: the named values say the same, without the positions.
    this.#slots = KeptNode.fromUi(id, values.type, { ...raw, widgets_values: undefined }, { ...layout, properties });
    this.#values = values;
  }

  get id(): number {
    return this.#slots.id;
  }

  get type(): string {
    return this.#slots.type;
  }

  connectInput(name: string, slot: number | undefined, linkType: string): number | undefined {
    return this.#slots.connectInput(name, slot, linkType);
  }

  connectOutput(slot: number, linkType: string): number | undefined {
    return this.#slots.connectOutput(slot, linkType);
  }

  outputType(slot: number): string | undefined {
    return this.#slots.outputType(slot);
  }

  inputType(name: string): string | undefined {
    return this.#slots.inputType(name);
  }

  finish(links: readonly WorkflowLink[]): WorkflowNode {
    return { ...this.#slots.finish(links), version: this.#values.version, widgets: { ...this.#values.widgets }, widget_controls: { ...this.#values.widget_controls } };
  }
}
