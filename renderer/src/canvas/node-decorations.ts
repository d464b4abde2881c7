/**
 * What the canvas draws on nodes about runs and problems: a progress bar with steps while a node
 * runs, "cached" on nodes whose output was reused, a red outline with the message on a node that
 * failed or is invalid (naming the field), the live step preview beside the sampling node (where
 * it covers no other node: preview-placement.ts), and the last image an output node wrote inside it.
 * Everything is kept by the engine's execution id (`12:3` for node 3 inside instance 12), so an
 * opened subgraph shows the marks of the instance it was opened from, and an instance on the graph
 * that holds it shows those of its inner nodes (instance-marks.ts).
 */
import { LiteGraph, type LGraphNode } from '@comfyorg/litegraph';
import { executionIdOf, instanceMark, type NodeDecoration } from './instance-marks.js';
import { placePreview, type Rect } from './preview-placement.js';

export type { NodeDecoration } from './instance-marks.js';

/** A node's execution id (a number for the workflow's own nodes). */
export type ExecutionKey = number | string;


const COLORS = { running: '#4caf50', cached: '#4a90d9', done: '#8bc34a', failed: '#ff5252' } as const;

export class NodeDecorations {
  readonly #state = new Map<string, NodeDecoration>();
  readonly #previews = new Map<string, HTMLImageElement>();
  readonly #outputs = new Map<string, HTMLImageElement>();

  /** `shownInstances`: the instances whose subgraphs are open (outermost first), empty at the root. */
  constructor(
    private readonly redraw: () => void,
    private readonly shownInstances: () => readonly ExecutionKey[] = () => [],
  ) {}

  set(nodeId: ExecutionKey, decoration: NodeDecoration | null): void {
    if (decoration) this.#state.set(String(nodeId), decoration);
    else this.#state.delete(String(nodeId));
    this.redraw();
  }

  get(nodeId: ExecutionKey): NodeDecoration | undefined {
    return this.#state.get(String(nodeId));
  }

  /** The mark drawn on a node of the graph shown: its own, or for an instance, its inner nodes'. */
  markOf(node: LGraphNode): NodeDecoration | undefined {
    const key = this.#keyOf(node);
    const own = this.#state.get(key);
    if (own || !node.isSubgraphNode()) return own;
    return instanceMark(this.#state, key, (innerId) => {
      const inner = node.subgraph.getNodeById(innerId);
      return inner ? `${inner.title} #${innerId}` : `node ${innerId}`;
    });
  }

  #keyOf(node: LGraphNode): string {
    return executionIdOf(this.shownInstances(), node.id);
  }

  /** Clears run marks (not images) before a new run or after loading another graph. */
  clearMarks(): void {
    this.#state.clear();
    this.redraw();
  }

  clearAll(): void {
    this.#state.clear();
    this.#previews.clear();
    this.#outputs.clear();
    this.redraw();
  }

  /**
   * Takes a node's preview, output image and done/cached mark off (its inputs changed since the run);
   * a running or failed mark stays, since the run and the problem list own those.
   */
  clearResults(nodeId: ExecutionKey): void {
    // An instance's results are its inner nodes' too.
    const inside = `${nodeId}:`;
    const concerned = (key: string) => key === String(nodeId) || key.startsWith(inside);
    for (const map of [this.#previews, this.#outputs]) for (const key of [...map.keys()]) if (concerned(key)) map.delete(key);
    for (const [key, mark] of [...this.#state]) if (concerned(key) && (mark.kind === 'done' || mark.kind === 'cached')) this.#state.delete(key);
    this.redraw();
  }

  hasOutputImage(nodeId: ExecutionKey): boolean {
    return this.#outputs.has(String(nodeId));
  }

  /** Where the node's preview is drawn, in graph space; null when it has none (yet). */
  previewRect(node: LGraphNode): Rect | null {
    const preview = this.#previews.get(this.#keyOf(node));
    if (!preview?.complete || preview.naturalWidth === 0) return null;
    const size = Math.min(192, Math.max(96, node.size[0]! * 0.6));
    const scale = size / Math.max(preview.naturalWidth, preview.naturalHeight);
    const others = (node.graph?._nodes ?? []).filter((other) => other !== node).map(graphRect);
    return placePreview(graphRect(node), { w: preview.naturalWidth * scale, h: preview.naturalHeight * scale }, others);
  }

  setPreview(nodeId: ExecutionKey, src: string | null): void {
    this.#setImage(this.#previews, String(nodeId), src);
  }

  setOutputImage(nodeId: ExecutionKey, src: string): void {
    this.#setImage(this.#outputs, String(nodeId), src);
  }

  #setImage(map: Map<string, HTMLImageElement>, key: string, src: string | null): void {
    if (src === null) {
      map.delete(key);
      this.redraw();
      return;
    }
    const image = new Image();
    image.onload = () => this.redraw();
    image.src = src;
    map.set(key, image);
  }

  /** litegraph's onDrawForeground hook: `ctx` is in node space, (0, 0) at the body's top-left. */
  draw(node: LGraphNode, ctx: CanvasRenderingContext2D): void {
    const key = this.#keyOf(node);
    const decoration = this.markOf(node);
    const width = node.size[0]!;
    const height = node.size[1]!;
    const titleHeight = LiteGraph.NODE_TITLE_HEIGHT;
    ctx.save();
    if (decoration) drawDecoration(ctx, decoration, width, height, titleHeight, node.collapsed);
    const output = this.#outputs.get(key);
    if (output?.complete && output.naturalWidth > 0 && !node.collapsed) drawImageInBody(ctx, output, node);
    const preview = this.#previews.get(key);
    const place = this.previewRect(node);
    if (preview && place) {
      // ctx is in node space: (0, 0) is the body's top-left, the graph-space rect is shifted by pos.
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(preview, place.x - node.pos[0]!, place.y - node.pos[1]!, place.w, place.h);
    }
    ctx.restore();
  }
}

function drawDecoration(ctx: CanvasRenderingContext2D, decoration: NodeDecoration, width: number, height: number, titleHeight: number, collapsed: boolean): void {
  const color = COLORS[decoration.kind];
  const bodyHeight = collapsed ? 0 : height;
  ctx.lineWidth = decoration.kind === 'failed' || decoration.kind === 'running' ? 3 : 2;
  ctx.strokeStyle = color;
  ctx.beginPath();
  ctx.roundRect(-3, -titleHeight - 3, (collapsed ? LiteGraph.NODE_COLLAPSED_WIDTH : width) + 6, bodyHeight + titleHeight + 6, 10);
  ctx.stroke();
  ctx.font = '13px sans-serif';
  ctx.textAlign = 'right';
  ctx.fillStyle = color;
  switch (decoration.kind) {
    case 'running': {
      if (decoration.value !== undefined && decoration.max) {
        const fraction = Math.min(1, decoration.value / decoration.max);
        ctx.fillRect(0, -4, width * fraction, 4);
        ctx.fillText(`${decoration.value}/${decoration.max}`, width - 8, -titleHeight + 19);
      } else ctx.fillText('running', width - 8, -titleHeight + 19);
      break;
    }
    case 'cached':
      ctx.fillText('cached', width - 8, -titleHeight + 19);
      break;
    case 'done':
      ctx.fillText(decoration.seconds === undefined ? '✓' : `✓ ${decoration.seconds.toFixed(1)}s`, width - 8, -titleHeight + 19);
      break;
    case 'failed': {
      ctx.textAlign = 'left';
      ctx.font = '14px sans-serif';
      decoration.lines.forEach((line, index) => ctx.fillText(line, 0, bodyHeight + 18 + index * 15, Math.max(width, 320)));
      break;
    }
  }
}

function drawImageInBody(ctx: CanvasRenderingContext2D, image: HTMLImageElement, node: LGraphNode): void {
  const widgetsBottom = Math.max(0, ...(node.widgets ?? []).map((widget) => widget.y + (widget.computedHeight ?? LiteGraph.NODE_WIDGET_HEIGHT)), LiteGraph.NODE_SLOT_HEIGHT * Math.max(node.inputs.length, node.outputs.length));
  const width = node.size[0]!;
  const height = node.size[1]!;
  const box = { x: 8, y: widgetsBottom + 6, w: width - 16, h: height - widgetsBottom - 14 };
  if (box.w < 16 || box.h < 16) return;
  const scale = Math.min(box.w / image.naturalWidth, box.h / image.naturalHeight);
  const w = image.naturalWidth * scale;
  const h = image.naturalHeight * scale;
  ctx.drawImage(image, box.x + (box.w - w) / 2, box.y + (box.h - h) / 2, w, h);
}

/** A node's box in graph space, title bar included. */
function graphRect(node: LGraphNode): Rect {
  const title = LiteGraph.NODE_TITLE_HEIGHT;
  const width = node.collapsed ? LiteGraph.NODE_COLLAPSED_WIDTH : node.size[0]!;
  const height = node.collapsed ? 0 : node.size[1]!;
  return { x: node.pos[0]!, y: node.pos[1]! - title, w: width, h: height + title };
}
