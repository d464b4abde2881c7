/**
 * The canvas: a litegraph LGraph + LGraphCanvas with node types made from the engine's schemas.
 * It loads and snapshots workflows (our file format, via the plain CanvasGraph), tells listeners
 * when the user edited something, and carries the run decorations. litegraph does the editing
 * itself: search on double-click, the categorised add-menu, typed links, copy/paste, groups,
 * collapse, delete.
 */
import { LGraph, LGraphCanvas, LGraphNode, LiteGraph, type Subgraph } from '@comfyorg/litegraph';
import type { NodeSchema, WidgetValue, Workflow } from '../../../app/protocol/index.js';
import { canvasToWorkflow } from '../workflow/canvas-to-workflow.js';
import { workflowToCanvas } from '../workflow/workflow-to-canvas.js';
import { unpackInstance } from '../workflow/subgraph-unpack.js';
import { loadCanvasGraph, readCanvasGraph } from './graph-adapter.js';
import { groupSelected, installCanvasMenus, NODE_MODE, toggleSelectedMode } from './canvas-commands.js';
import { installConnectionMenu } from './connection-menu.js';
import { NodeDecorations } from './node-decorations.js';
import { READABLE_START_SCALE, widenToFitWidgets } from './readable-text.js';
import { installSubgraphNodeTypes } from './subgraph-node-types.js';
import { SubgraphNavigation } from './subgraph-navigation.js';

/** Screen pixels between the view's edge and a graph too large to fit at a readable zoom. */
const VIEW_MARGIN = 24;

/** Typing in a prompt becomes one undo step per pause, not one per key. */
const TYPING_SETTLE_MS = 400;

export class GraphEditor {
  readonly graph = new LGraph();
  readonly canvas: LGraphCanvas;
  readonly decorations: NodeDecorations;
  readonly schemas: ReadonlyMap<string, NodeSchema>;
  /** Which graph is shown: the workflow, or a subgraph definition opened from it. */
  readonly navigation: SubgraphNavigation;
  readonly #editListeners = new Set<() => void>();
  readonly #widgetListeners = new Set<(nodeId: number, widget: string) => void>();
  readonly #selectionListeners = new Set<(nodeIds: number[]) => void>();
  readonly #createListeners = new Set<(node: LGraphNode) => void>();
  #loading = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(element: HTMLCanvasElement, schemas: readonly NodeSchema[]) {
    this.schemas = new Map(schemas.map((schema) => [schema.type, schema]));
    this.canvas = new LGraphCanvas(element, this.graph);
    // Keep text and widgets drawn when a whole workflow is zoomed to fit; hide the FPS corner.
    this.canvas.low_quality_zoom_threshold = 0.35;
    this.canvas.show_info = false;
    this.canvas.render_canvas_border = false;
    // Before any load: a definition's node type must exist when its instances are configured.
    installSubgraphNodeTypes(this.graph, (subgraph) => this.#watchDefinition(subgraph));
    this.navigation = new SubgraphNavigation(this.graph, this.canvas, () => this.#startView());
    this.decorations = new NodeDecorations(() => this.canvas.setDirty(true, true), () => this.navigation.instanceIds);
    installCanvasMenus(this.canvas, () => ({
      open: (node) => this.navigation.open(node),
      unpack: (node: LGraphNode) => this.unpackSubgraph(Number(node.id)),
    }));
    installConnectionMenu(this.canvas, schemas);
    this.graph.onNodeAdded = (node) => {
      this.#decorate(node);
      if (!this.#loading) for (const listener of this.#createListeners) listener(node);
      this.#edited(0);
    };
    this.graph.onNodeRemoved = () => this.#edited(0);
    this.graph.onAfterChange = () => this.#edited(0);
    // The deprecated hook is the one litegraph calls for every way a selection changes (click,
    // rubber band, select all, delete); selectedItems is read rather than its argument.
    this.canvas.onSelectionChange = () => {
      // Listeners know the workflow's nodes by id; nodes inside a definition have ids of their own.
      const nodeIds = !this.navigation.atRoot ? [] : [...this.canvas.selectedItems].filter((item) => item instanceof LGraphNode).map((node) => Number(node.id));
      for (const listener of this.#selectionListeners) listener(nodeIds);
    };
    // Edits come from the canvas, litegraph's menus and dialogs (DOM outside the canvas) and keys;
    // every pointer or key release snapshots the graph, and unchanged snapshots record nothing.
    for (const type of ['pointerup', 'click'] as const) window.addEventListener(type, () => this.#edited(0), true);
    window.addEventListener('keyup', (event) => {
      if (!isTextField(event.target)) this.#edited(0);
    });
    // The canvas fills its host, whose size changes with the window and the panels around it.
    new ResizeObserver(() => this.canvas.resize()).observe(element.parentElement!);
    this.canvas.resize();
    this.graph.start();
  }

  /** Called after every edit has settled; listeners snapshot the graph themselves. */
  onEdit(listener: () => void): () => void {
    this.#editListeners.add(listener);
    return () => this.#editListeners.delete(listener);
  }

  /** Called at once, with the node and widget, whenever the user changes a widget's value. */
  onWidgetChange(listener: (nodeId: number, widget: string) => void): () => void {
    this.#widgetListeners.add(listener);
    return () => this.#widgetListeners.delete(listener);
  }

  /**
   * Called when the user adds a node (search, menu, paste), before the edit is recorded: changes
   * made here are part of it. The node may be inside the opened subgraph (`node.graph` is not `graph`).
   */
  onNodeCreated(listener: (node: LGraphNode) => void): () => void {
    this.#createListeners.add(listener);
    return () => this.#createListeners.delete(listener);
  }

  /** Called with the ids of the selected nodes whenever the selection changes. */
  onSelectionChange(listener: (nodeIds: number[]) => void): () => void {
    this.#selectionListeners.add(listener);
    return () => this.#selectionListeners.delete(listener);
  }

  /** `keepSelection`: undo and redo re-load the graph, and what was selected (an open editor panel) stays selected. */
  load(workflow: Workflow, options: { fitView: boolean; keepSelection?: boolean } = { fitView: true }): void {
    const selected = options.keepSelection ? [...this.canvas.selectedItems].filter((item) => item instanceof LGraphNode).map((node) => node.id) : [];
    this.#loading = true;
    try {
      loadCanvasGraph(this.graph, workflowToCanvas(workflow, this.schemas));
      this.navigation.restore(options.keepSelection === true);
      for (const node of this.graph._nodes) this.#decorate(node);
      for (const node of this.#allNodes()) {
        // A file may store a size from before a widget was added; never draw widgets outside the node.
        const minimum = node.computeSize();
        node.setSize([Math.max(node.size[0], minimum[0]), Math.max(node.size[1], minimum[1])]);
        widenToFitWidgets(node);
      }
    } finally {
      this.#loading = false;
    }
    clearTimeout(this.#timer);
    const reselect = selected.flatMap((id) => this.navigation.shown.getNodeById(id) ?? []);
    if (reselect.length > 0) this.canvas.selectNodes(reselect);
    if (options.fitView) this.#startView();
    this.canvas.setDirty(true, true);
  }

  snapshot(): Workflow {
    return canvasToWorkflow(readCanvasGraph(this.graph), this.schemas);
  }

  /** A node of the workflow itself (not one inside a subgraph definition). */
  node(id: number): LGraphNode | null {
    return this.graph.getNodeById(id);
  }

  /** A node of the graph shown: the workflow's, or the opened definition's. */
  shownNode(id: number): LGraphNode | null {
    return this.navigation.shown.getNodeById(id);
  }

  /** Sets a widget's value as code (the seed control after queueing), recording it as an edit. */
  setWidgetValue(nodeId: number, name: string, value: WidgetValue): void {
    this.#setWidget(this.node(nodeId), name, value);
  }

  /** The same for a node inside definition `definitionId` (a subgraph's seed after queueing): every instance shows it. */
  setInnerWidgetValue(definitionId: string, nodeId: number, name: string, value: WidgetValue): void {
    this.#setWidget(this.graph.subgraphs.get(definitionId)?.getNodeById(nodeId), name, value);
  }

  #setWidget(node: LGraphNode | null | undefined, name: string, value: WidgetValue): void {
    const widget = node?.widgets?.find((candidate) => candidate.name === name);
    if (!widget) return;
    widget.value = value as never;
    this.canvas.setDirty(true);
    this.#edited(0);
  }

  /** The node that the first link out of `nodeId`'s first output (its MODEL, for a patch node) goes to. */
  modelConsumerOf(nodeId: number): number | undefined {
    const linkId = this.node(nodeId)?.outputs?.[0]?.links?.[0];
    const link = linkId === undefined ? undefined : this.graph._links.get(linkId);
    return link ? Number(link.target_id) : undefined;
  }

  /**
   * Adds a node of `type` on `nodeId`'s first output: the inputs that output fed now take the new
   * node's first output, and the new node takes the old one. Returns the new node's id.
   */
  insertAfter(nodeId: number, type: string): number | undefined {
    const source = this.node(nodeId);
    const inserted = LiteGraph.createNode(type);
    if (!source || !inserted) return undefined;
    inserted.pos = [source.pos[0], source.pos[1] + source.size[1] + LiteGraph.NODE_TITLE_HEIGHT + 20];
    this.graph.add(inserted);
    const targets = (source.outputs[0]?.links ?? []).flatMap((linkId) => {
      const link = this.graph._links.get(linkId);
      const target = link ? this.graph.getNodeById(link.target_id) : null;
      return link && target ? [{ target, slot: link.target_slot }] : [];
    });
    for (const { target, slot } of targets) inserted.connect(0, target, slot);
    source.connect(0, inserted, 0);
    this.canvas.setDirty(true, true);
    return Number(inserted.id);
  }

  /** "." : the whole graph in view, however small its text gets. */
  fitView(): void {
    this.#showBounds(0);
  }

  /**
   * A graph as it opens: fitted, but never so small that its text drops under 11 px on screen
   * (readable-text.ts). A graph too large for that starts at its left edge (where a pipeline
   * begins) and its top, centred along a side that fits; "." still shows all of it.
   */
  #startView(): void {
    this.#showBounds(READABLE_START_SCALE);
  }

  #showBounds(minimumScale: number): void {
    const shown = this.navigation.shown;
    const nodes: { pos: ArrayLike<number>; size: ArrayLike<number> }[] = [...shown._nodes];
    // A definition's boundary (its inputs and outputs) is part of what it shows.
    if (isDefinition(shown)) nodes.push(shown.inputNode, shown.outputNode);
    if (nodes.length === 0) {
      this.canvas.ds.offset[0] = 0;
      this.canvas.ds.offset[1] = 0;
      this.canvas.ds.scale = 1;
      return;
    }
    let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
    // From pos and size: litegraph's cached bounding boxes are only filled in by a draw.
    for (const node of nodes) {
      left = Math.min(left, node.pos[0]!);
      top = Math.min(top, node.pos[1]! - LiteGraph.NODE_TITLE_HEIGHT);
      right = Math.max(right, node.pos[0]! + node.size[0]!);
      bottom = Math.max(bottom, node.pos[1]! + node.size[1]!);
    }
    // litegraph's own fitToBounds measures a different element; fit to the visible canvas here.
    const element = this.canvas.canvas;
    const [width, height] = [right - left, bottom - top];
    const [clientWidth, clientHeight] = [element.clientWidth, element.clientHeight];
    const scale = Math.max(minimumScale, Math.min(1, (clientWidth * 0.92) / width, (clientHeight * 0.92) / height));
    // Centred along a side that fits, else from its start, VIEW_MARGIN screen pixels in.
    const place = (client: number, size: number, start: number) => (size * scale <= client - 2 * VIEW_MARGIN ? (client / scale - size) / 2 - start : VIEW_MARGIN / scale - start);
    this.canvas.ds.scale = scale;
    this.canvas.ds.offset[0] = place(clientWidth, width, left);
    this.canvas.ds.offset[1] = place(clientHeight, height, top);
    this.canvas.setDirty(true, true);
  }

  /** Ctrl+B / Ctrl+M: the selected nodes bypassed or muted, or back on when they all were. */
  toggleSelected(mode: 'bypassed' | 'muted'): void {
    toggleSelectedMode(this.canvas, NODE_MODE[mode]);
    this.#edited(0);
  }

  /** Ctrl+G: a group around the selected nodes. */
  groupSelection(): void {
    if (groupSelected(this.canvas)) this.#edited(0);
  }

  /** "Unpack subgraph": instance `nodeId` of the graph shown replaced by its definition's nodes, as one edit. */
  unpackSubgraph(nodeId: number): void {
    const unpacked = unpackInstance(this.snapshot(), nodeId, this.navigation.path.at(-1)?.id);
    if (!unpacked) return;
    // The subgraph unpacked in stays open.
    this.load(unpacked, { fitView: false, keepSelection: true });
    this.#edited(0);
  }

  /**
   * Centres the view on a node and selects it (an error list entry was clicked); a node inside
   * subgraphs (execution id `12:3`) is shown in its definition, opened from those instances.
   */
  focusNode(id: number | string): void {
    const node = this.#openTowards(String(id).split(':'));
    if (!node) return;
    this.canvas.centerOnNode(node);
    this.canvas.selectNode(node);
    this.canvas.setDirty(true, true);
  }

  /** The node at the end of an execution id's path, with the subgraphs on the way opened. */
  #openTowards(path: readonly string[]): LGraphNode | null {
    if (!this.#nodeAt(path)) return null;
    this.navigation.showDepth(0);
    for (const instanceId of path.slice(0, -1)) {
      const instance = this.navigation.shown.getNodeById(instanceId);
      if (!instance?.isSubgraphNode()) return null;
      this.navigation.open(instance);
    }
    return this.navigation.shown.getNodeById(path.at(-1)!);
  }

  /** The node an execution id names, looked up through its instances' definitions; null when it is gone. */
  #nodeAt(path: readonly string[]): LGraphNode | null {
    let graph: LGraph = this.graph;
    let node: LGraphNode | null = null;
    for (const id of path) {
      node = graph.getNodeById(id);
      if (!node) return null;
      if (node.isSubgraphNode()) graph = node.subgraph;
    }
    return node;
  }

  /** A node's title by execution id: `Prompts › Positive` for a node inside the instance Prompts. */
  titleOf(executionId: string): string {
    const path = executionId.split(':');
    const titles = path.map((_, depth) => this.#nodeAt(path.slice(0, depth + 1))?.title);
    return titles.every((title) => title !== undefined) ? titles.join(' › ') : `node ${executionId}`;
  }

  #decorate(node: LGraphNode): void {
    node.onDrawForeground = (ctx) => this.decorations.draw(node, ctx);
    node.onWidgetChanged = (name) => {
      widenToFitWidgets(node);
      for (const listener of this.#widgetListeners) listener(Number(node.id), name);
      this.#edited(TYPING_SETTLE_MS);
    };
  }

  /**
   * A definition's nodes are edited like the workflow's; their ids are the definition's own, so
   * only the edit is told, and a node the user adds in the opened subgraph (not one a conversion
   * moves into a new definition).
   */
  #watchDefinition(subgraph: Subgraph): void {
    subgraph.onNodeAdded = (node) => {
      this.#decorateInner(node);
      if (!this.#loading && subgraph === this.navigation.shown) for (const listener of this.#createListeners) listener(node);
      this.#edited(0);
    };
    subgraph.onNodeRemoved = () => this.#edited(0);
    subgraph.onAfterChange = () => this.#edited(0);
  }

  #decorateInner(node: LGraphNode): void {
    node.onWidgetChanged = () => {
      widenToFitWidgets(node);
      this.#edited(TYPING_SETTLE_MS);
    };
  }

  /** The workflow's nodes and every definition's. */
  #allNodes(): LGraphNode[] {
    return [this.graph, ...this.graph.subgraphs.values()].flatMap((graph) => graph._nodes);
  }

  #edited(delayMs: number): void {
    if (this.#loading) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      for (const listener of this.#editListeners) listener();
    }, delayMs);
  }
}

function isDefinition(graph: LGraph): graph is Subgraph {
  return 'inputNode' in graph;
}

function isTextField(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
}
