/**
 * Which graph the canvas shows: the workflow (root) or a subgraph definition opened from it, maybe
 * nested (root › Sampling › Prompts). litegraph opens a definition itself (double-click on an
 * instance, its title button) and says so with a `subgraph-opened` event; this keeps the path for
 * the breadcrumb, each level's view to come back to, and the path across a re-load (undo, redo),
 * where every definition is made anew.
 */
import { LGraphCanvas, type LGraph, type Subgraph } from '@comfyorg/litegraph';

export interface SubgraphLevel {
  id: string;
  name: string;
}

interface SavedView {
  scale: number;
  offset: [number, number];
}

export class SubgraphNavigation {
  readonly #root: LGraph;
  readonly #canvas: LGraphCanvas;
  readonly #listeners = new Set<(path: SubgraphLevel[]) => void>();
  /** Ids of the opened definitions, outermost first. */
  #path: string[] = [];
  /** The view of each level left by opening a deeper one, by depth. */
  #views: SavedView[] = [];

  /** `onOpened`: after litegraph opened a definition (to fit the view to it). */
  constructor(root: LGraph, canvas: LGraphCanvas, onOpened: () => void) {
    this.#root = root;
    this.#canvas = canvas;
    canvas.canvas.addEventListener('subgraph-opened', (event) => {
      const { subgraph } = (event as CustomEvent<{ subgraph: Subgraph }>).detail;
      this.#views[this.#path.length] = this.#view();
      this.#path.push(subgraph.id);
      this.#notify();
      onOpened();
    });
  }

  /** The opened definitions, outermost first; empty at the root. */
  get path(): SubgraphLevel[] {
    return this.#path.map((id) => ({ id, name: this.#root.subgraphs.get(id)?.name ?? id }));
  }

  get atRoot(): boolean {
    return this.#path.length === 0;
  }

  /** The graph shown: the root or the innermost opened definition. */
  get shown(): LGraph {
    return this.#canvas.graph ?? this.#root;
  }

  onChange(listener: (path: SubgraphLevel[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Opens the definition of an instance in the shown graph. */
  open(subgraph: Subgraph): void {
    this.#canvas.openSubgraph(subgraph);
  }

  /** Goes back up to `depth` (0: the root), restoring the view that level had. */
  showDepth(depth: number): void {
    if (depth >= this.#path.length) return;
    const view = this.#views[depth];
    this.#path = this.#path.slice(0, depth);
    this.#views = this.#views.slice(0, depth);
    this.#show();
    if (view) {
      this.#canvas.ds.scale = view.scale;
      this.#canvas.ds.offset[0] = view.offset[0];
      this.#canvas.ds.offset[1] = view.offset[1];
    }
    this.#notify();
  }

  /** After the root graph was configured again: the same path, as far as its definitions still exist. */
  restore(keepPath: boolean): void {
    const kept = keepPath ? this.#path : [];
    const existing = kept.findIndex((id) => !this.#root.subgraphs.has(id));
    const path = existing === -1 ? kept : kept.slice(0, existing);
    const changed = path.length !== this.#path.length;
    this.#path = path;
    this.#views = this.#views.slice(0, path.length);
    this.#show();
    if (changed || !keepPath) this.#notify();
  }

  #show(): void {
    const innermost = this.#path.at(-1);
    const graph = innermost === undefined ? this.#root : this.#root.subgraphs.get(innermost)!;
    // litegraph re-opens the canvas's last subgraph on every configure; at the root there is none.
    if (innermost === undefined) this.#canvas.subgraph = undefined;
    this.#canvas.setGraph(graph);
    this.#canvas.setDirty(true, true);
  }

  #view(): SavedView {
    return { scale: this.#canvas.ds.scale, offset: [this.#canvas.ds.offset[0], this.#canvas.ds.offset[1]] };
  }

  #notify(): void {
    const path = this.path;
    for (const listener of this.#listeners) listener(path);
  }
}
