/**
 * A read-only handle on window for devtools and the end-to-end tests: the canvas draws into a
 * <canvas>, so tests read the graph as the workflow file it would save, and find where a node's
 * widget is on screen to click it like a user would.
 */
import { LGraphNode, LiteGraph, type Subgraph } from '@comfyorg/litegraph';
import type { GraphEditor } from '../canvas/graph-editor.js';
import type { WorkflowDocument } from './workflow-document.js';

export interface DebugHandle {
  snapshot(): unknown;
  dirty(): boolean;
  /** The opened subgraphs, outermost first (empty at the workflow). Node ids below are the shown graph's. */
  subgraphPath(): { id: string; name: string }[];
  /** Where a shown subgraph's input (or output) slot `index` is on its boundary, in page pixels; `index` = their count: the empty slot that adds one. */
  boundarySlotPoint(side: 'input' | 'output', index: number): { x: number; y: number } | null;
  /** The marker in the middle of a shown link (click: the link's menu), in page pixels, once drawn. */
  linkCentre(linkId: number): { x: number; y: number } | null;
  /** What a shown node displays: its title, its slots (name and type) and its widgets' names. */
  nodeSummary(nodeId: number): { title: string; inputs: [string, string][]; outputs: [string, string][]; widgets: string[] } | null;
  /** The centre of a node's title bar, or of one of its widgets, in page pixels. */
  screenPoint(nodeId: number, widgetName?: string): { x: number; y: number } | null;
  /** The screen box of a node's widget: left, top, width, height in page pixels. */
  widgetBox(nodeId: number, widgetName: string): { left: number; top: number; width: number; height: number } | null;
  /** Where a node's input or output socket is, in page pixels. */
  slotPoint(nodeId: number, side: 'input' | 'output', slot: number): { x: number; y: number } | null;
  /** The run mark a shown node draws (an instance: its inner nodes'), or else the one kept for that id. */
  decoration(nodeId: number): unknown;
  /** The ids of the shown graph's selected nodes. */
  selectedNodes(): number[];
  /** A node's box in graph space, title bar included. */
  nodeRect(nodeId: number): { x: number; y: number; w: number; h: number } | null;
  /** The node, title included, in page pixels, and the canvas element's box: what is on screen. */
  screenRect(nodeId: number): { node: { x: number; y: number; w: number; h: number }; canvas: { x: number; y: number; w: number; h: number } } | null;
  /** Where the node's live preview is drawn, in graph space; null when it shows none. */
  previewRect(nodeId: number): { x: number; y: number; w: number; h: number } | null;
  hasOutputImage(nodeId: number): boolean;
  /** The text a widget shows for its value (a model picker: "⚠ name (missing)" for a model the engine does not list). */
  widgetDisplay(nodeId: number, widgetName: string): string | null;
  /** The view's zoom and litegraph's text sizes (graph units): on screen, text is size × scale. */
  view(): { scale: number; widgetTextSize: number; titleTextSize: number; font: string };
}

export function exposeDebugHandle({ editor, doc }: { editor: GraphEditor; doc: WorkflowDocument }): void {
  const toPage = (x: number, y: number) => {
    const offset = editor.canvas.convertOffsetToCanvas([x, y], [0, 0]);
    const [left, top] = [offset[0]!, offset[1]!];
    const rect = editor.canvas.canvas.getBoundingClientRect();
    return { x: rect.left + left, y: rect.top + top };
  };
  const handle: DebugHandle = {
    snapshot: () => editor.snapshot(),
    dirty: () => doc.dirty,
    subgraphPath: () => editor.navigation.path,
    selectedNodes: () => [...editor.canvas.selectedItems].filter((item) => item instanceof LGraphNode).map((node) => Number(node.id)),
    linkCentre(linkId) {
      const centre = editor.navigation.shown._links.get(linkId)?._pos;
      return centre ? toPage(centre[0]!, centre[1]!) : null;
    },
    nodeSummary(nodeId) {
      const node = editor.shownNode(nodeId);
      if (!node) return null;
      const slots = (list: { name: string; type: unknown }[]) => list.map((slot): [string, string] => [slot.name, String(slot.type)]);
      return { title: node.title, inputs: slots(node.inputs), outputs: slots(node.outputs), widgets: (node.widgets ?? []).map((widget) => widget.name) };
    },
    boundarySlotPoint(side, index) {
      const shown = editor.navigation.shown as Partial<Pick<Subgraph, 'inputNode' | 'outputNode'>>;
      const boundary = side === 'input' ? shown.inputNode : shown.outputNode;
      if (!boundary) return null;
      const slot = index === boundary.slots.length ? boundary.emptySlot : boundary.slots[index];
      return slot ? toPage(slot.pos[0]!, slot.pos[1]!) : null;
    },
    screenPoint(nodeId, widgetName) {
      const node = editor.shownNode(nodeId);
      if (!node) return null;
      if (widgetName === undefined) return toPage(node.pos[0] + node.size[0] / 2, node.pos[1] - 15);
      const box = this.widgetBox(nodeId, widgetName);
      return box ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : null;
    },
    widgetBox(nodeId, widgetName) {
      const node = editor.shownNode(nodeId);
      const widget = node?.widgets?.find((candidate) => candidate.name === widgetName);
      if (!node || !widget) return null;
      const topLeft = toPage(node.pos[0], node.pos[1] + widget.y);
      const scale = editor.canvas.ds.scale;
      return { left: topLeft.x, top: topLeft.y, width: node.size[0] * scale, height: (widget.computedHeight ?? LiteGraph.NODE_WIDGET_HEIGHT) * scale };
    },
    slotPoint(nodeId, side, slot) {
      const node = editor.shownNode(nodeId);
      if (!node) return null;
      const position = side === 'input' ? node.getInputPos(slot) : node.getOutputPos(slot);
      return toPage(position[0]!, position[1]!);
    },
    decoration(nodeId) {
      // What the shown node draws (an instance: its inner nodes' marks), or a mark kept by id.
      const node = editor.shownNode(nodeId);
      return (node ? editor.decorations.markOf(node) : editor.decorations.get(nodeId)) ?? null;
    },
    screenRect(nodeId) {
      const rect = this.nodeRect(nodeId);
      if (!rect) return null;
      const scale = editor.canvas.ds.scale;
      const topLeft = toPage(rect.x, rect.y);
      const box = editor.canvas.canvas.getBoundingClientRect();
      return { node: { ...topLeft, w: rect.w * scale, h: rect.h * scale }, canvas: { x: box.left, y: box.top, w: box.width, h: box.height } };
    },
    nodeRect(nodeId) {
      const node = editor.shownNode(nodeId);
      return node ? { x: node.pos[0], y: node.pos[1] - LiteGraph.NODE_TITLE_HEIGHT, w: node.size[0], h: node.size[1] + LiteGraph.NODE_TITLE_HEIGHT } : null;
    },
    previewRect(nodeId) {
      const node = editor.shownNode(nodeId);
      return node ? editor.decorations.previewRect(node) : null;
    },
    hasOutputImage: (nodeId) => editor.decorations.hasOutputImage(nodeId),
    view: () => ({ scale: editor.canvas.ds.scale, widgetTextSize: LiteGraph.NODE_SUBTEXT_SIZE, titleTextSize: LiteGraph.NODE_TEXT_SIZE, font: LiteGraph.NODE_FONT }),
    widgetDisplay(nodeId, widgetName) {
      const widget = editor.shownNode(nodeId)?.widgets?.find((candidate) => candidate.name === widgetName);
      if (!widget) return null;
      const shown = (widget as { displayText?: unknown }).displayText;
      return typeof shown === 'string' ? shown : String(widget.value);
    },
  };
  (window as unknown as { scalecrafterDebug: DebugHandle }).scalecrafterDebug = handle;
}
