/**
 * Which graph the canvas shows: the workflow (root) or a subgraph definition opened from it, maybe
 * nested (root › Sampling › Prompts). litegraph opens a definition itself (double-click on an
 * instance, its title button) and says so with a `subgraph-opened` event; this keeps the path for
 * the breadcrumb, each level's view to come back to, and the path across a re-load (undo, redo),
 * where every definition is made anew. It also keeps which instance each level was opened from: the
 * engine runs a definition once per instance, and the marks shown inside are that instance's.
 */
import { LGraphCanvas, type LGraph, type LGraphNode, type Subgraph, type SubgraphNode } from '@comfyorg/litegraph';

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
  /** The opened definitions and the instances they were opened from, outermost first. */
  #path: { id: string; instanceId: LGraphNode['id'] }[] = [];
  /** The instance "Open subgraph" was chosen on, until litegraph opens its definition. */
  #opening: SubgraphNode | undefined;
  /** The view of each level left by opening a deeper one, by depth. */
  #views: SavedView[] = [];

  /** `onOpened`: after litegraph opened a definition (to fit the view to it). */
  constructor(root: LGraph, canvas: LGraphCanvas, onOpened: () => void) {
    this.#root = root;
    this.#canvas = canvas;
    canvas.canvas.addEventListener('subgraph-opened', (event) => {
      const { subgraph, closingGraph } = (event as CustomEvent<{ subgraph: Subgraph; closingGraph: LGraph }>).detail;
      this.#views[this.#path.length] = this.#view();
      this.#path.push({ id: subgraph.id, instanceId: this.#openedInstance(subgraph, closingGraph) });
      this.#opening = undefined;
      this.#notify();
      onOpened();
    });
  }

  /** The opened definitions, outermost first; empty at the root. */
  get path(): SubgraphLevel[] {
    return this.#path.map(({ id }) => ({ id, name: this.#root.subgraphs.get(id)?.name ?? id }));
  }

  /** The ids of the instances the shown levels were opened from, outermost first (the execution id's prefix). */
  get instanceIds(): LGraphNode['id'][] {
    return this.#path.map((level) => level.instanceId);
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

  /** Opens the definition of an instance of the shown graph. */
  open(instance: SubgraphNode): void {
    this.#opening = instance;
    this.#canvas.openSubgraph(instance.subgraph);
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
    const existing = kept.findIndex(({ id }) => !this.#root.subgraphs.has(id));
    const path = existing === -1 ? kept : kept.slice(0, existing);
    const changed = path.length !== this.#path.length;
    this.#path = path;
    this.#views = this.#views.slice(0, path.length);
    this.#show();
    if (changed || !keepPath) this.#notify();
  }

  #show(): void {
    const innermost = this.#path.at(-1)?.id;
    const graph = innermost === undefined ? this.#root : this.#root.subgraphs.get(innermost)!;
    // litegraph re-opens the canvas's last subgraph on every configure; at the root there is none.
    if (innermost === undefined) this.#canvas.subgraph = undefined;
    this.#canvas.setGraph(graph);
    this.#canvas.setDirty(true, true);
  }

  /**
   * litegraph names only the definition it opens: the instance is the one "Open subgraph" was chosen
   * on, else the one under the pointer (a double-click, the title button), else the only or first one.
   */
  #openedInstance(subgraph: Subgraph, closingGraph: LGraph): LGraphNode['id'] {
    const instances = closingGraph._nodes.filter((node) => node.isSubgraphNode() && node.subgraph === subgraph);
    const pointer = this.#canvas.graph_mouse;
    const pointed = closingGraph.getNodeOnPos(pointer[0]!, pointer[1]!, instances);
    const chosen = [this.#opening, pointed].find((node) => node && instances.includes(node));
    return (chosen ?? instances[0])?.id ?? -1;
  }

  #view(): SavedView {
    return { scale: this.#canvas.ds.scale, offset: [this.#canvas.ds.offset[0], this.#canvas.ds.offset[1]] };
  }

  #notify(): void {
    const path = this.path;
    for (const listener of this.#listeners) listener(path);
  }
}
