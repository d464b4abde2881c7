/**
 * A new Empty Latent Image starts at its model's training size (the engine's `models` list), not
 * at the schema's 512²: at once when the graph names one model, and again whenever a link makes it
 * feed another model, until the user sets its width or height. Inside an opened subgraph it starts
 * at the size of the workflow's only model (its links cross the boundary: not followed). Files
 * opened keep their sizes.
 */
import type { LGraphNode } from '@comfyorg/litegraph';
import type { GraphEditor } from '../canvas/graph-editor.js';
import { schemaOf } from '../canvas/node-types.js';
import type { ModelCatalog } from '../models/model-catalog.js';
import { makesSizedLatent, modelFor, onlyNamedModel } from '../workflow/latent-model.js';

const SIZE_WIDGETS = ['width', 'height'];

export class LatentSizeDefaults {
  /** New latent nodes the user has not sized, with the model each was last sized for. */
  readonly #fresh = new Map<number, string | undefined>();

  constructor(
    private readonly editor: GraphEditor,
    private readonly models: ModelCatalog,
  ) {
    editor.onNodeCreated((node) => this.#created(node));
    editor.onWidgetChange((nodeId, widget) => {
      if (SIZE_WIDGETS.includes(widget)) this.#fresh.delete(nodeId);
    });
    editor.onEdit(() => this.#relinked());
  }

  #created(node: LGraphNode): void {
    if (!makesSizedLatent(schemaOf(node))) return;
    if (node.graph !== this.editor.graph) {
      this.#sizeInside(node);
      return;
    }
    const nodeId = Number(node.id);
    // The node is in the graph but not yet in the document's history: sizing it now is part of adding it.
    this.#fresh.set(nodeId, undefined);
    this.#size(nodeId, (widget, value) => {
      const target = node.widgets?.find((candidate) => candidate.name === widget);
      if (target) target.value = value;
    });
  }

  /** A node added inside a definition: its ids are the definition's own, so it is sized once, not followed. */
  #sizeInside(node: LGraphNode): void {
    const model = onlyNamedModel(this.editor.snapshot(), this.editor.schemas);
    const size = model === undefined ? undefined : this.models.nativeSizeOf(model);
    if (!size) return;
    for (const widget of node.widgets ?? []) {
      if (widget.name === 'width') widget.value = size.width;
      if (widget.name === 'height') widget.value = size.height;
    }
  }

  /** Only a change of model re-sizes a node, so undoing the re-size does not bring it back. */
  #relinked(): void {
    for (const nodeId of [...this.#fresh.keys()]) {
      if (!this.editor.node(nodeId)) this.#fresh.delete(nodeId);
      else this.#size(nodeId, (widget, value) => this.editor.setWidgetValue(nodeId, widget, value));
    }
  }

  #size(nodeId: number, set: (widget: string, value: number) => void): void {
    const model = modelFor(this.editor.snapshot(), nodeId, this.editor.schemas);
    if (model === undefined || model === this.#fresh.get(nodeId)) return;
    const size = this.models.nativeSizeOf(model);
    if (!size) return;
    this.#fresh.set(nodeId, model);
    set('width', size.width);
    set('height', size.height);
  }
}
