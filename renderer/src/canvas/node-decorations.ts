/**
 * What the canvas draws on nodes about runs and problems: a progress bar with steps while a node
 * runs, "cached" on nodes whose output was reused, a red outline with the message on a node that
 * failed or is invalid (naming the field), the live step preview beside the sampling node (where
 * it covers no other node: preview-placement.ts), and the last image an output node wrote inside it.
 */
import { LiteGraph, type LGraphNode } from '@comfyorg/litegraph';
import { placePreview, type Rect } from './preview-placement.js';

export type NodeDecoration =
  | { kind: 'running'; value?: number; max?: number }
  | { kind: 'cached' }
  | { kind: 'done'; seconds?: number }
  | { kind: 'failed'; lines: string[] };

const COLORS = { running: '#4caf50', cached: '#4a90d9', done: '#8bc34a', failed: '#ff5252' } as const;

export class NodeDecorations {
  readonly #state = new Map<number, NodeDecoration>();
  readonly #previews = new Map<number, HTMLImageElement>();
  readonly #outputs = new Map<number, HTMLImageElement>();

  constructor(private readonly redraw: () => void) {}

  set(nodeId: number, decoration: NodeDecoration | null): void {
    if (decoration) this.#state.set(nodeId, decoration);
    else this.#state.delete(nodeId);
    this.redraw();
  }

  get(nodeId: number): NodeDecoration | undefined {
    return this.#state.get(nodeId);
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
  clearResults(nodeId: number): void {
    this.#previews.delete(nodeId);
    this.#outputs.delete(nodeId);
    const kind = this.#state.get(nodeId)?.kind;
    if (kind === 'done' || kind === 'cached') this.#state.delete(nodeId);
    this.redraw();
  }

  hasOutputImage(nodeId: number): boolean {
    return this.#outputs.has(nodeId);
  }

  /** Where the node's preview is drawn, in graph space; null when it has none (yet). */
  previewRect(node: LGraphNode): Rect | null {
    const preview = this.#previews.get(Number(node.id));
    if (!preview?.complete || preview.naturalWidth === 0) return null;
    const size = Math.min(192, Math.max(96, node.size[0]! * 0.6));
    const scale = size / Math.max(preview.naturalWidth, preview.naturalHeight);
    const others = (node.graph?._nodes ?? []).filter((other) => other !== node).map(graphRect);
    return placePreview(graphRect(node), { w: preview.naturalWidth * scale, h: preview.naturalHeight * scale }, others);
  }

  setPreview(nodeId: number, src: string | null): void {
    this.#setImage(this.#previews, nodeId, src);
  }

  setOutputImage(nodeId: number, src: string): void {
    this.#setImage(this.#outputs, nodeId, src);
  }

  #setImage(map: Map<number, HTMLImageElement>, nodeId: number, src: string | null): void {
    if (src === null) {
      map.delete(nodeId);
      this.redraw();
      return;
    }
    const image = new Image();
    image.onload = () => this.redraw();
    image.src = src;
    map.set(nodeId, image);
  }

  /** litegraph's onDrawForeground hook: `ctx` is in node space, (0, 0) at the body's top-left. */
  draw(node: LGraphNode, ctx: CanvasRenderingContext2D): void {
    const id = Number(node.id);
    const decoration = this.#state.get(id);
    const width = node.size[0]!;
    const height = node.size[1]!;
    const titleHeight = LiteGraph.NODE_TITLE_HEIGHT;
    ctx.save();
    if (decoration) drawDecoration(ctx, decoration, width, height, titleHeight, node.collapsed);
    const output = this.#outputs.get(id);
    if (output?.complete && output.naturalWidth > 0 && !node.collapsed) drawImageInBody(ctx, output, node);
    const preview = this.#previews.get(id);
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
