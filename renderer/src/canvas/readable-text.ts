/**
 * Node text that can be read: litegraph's 12 px widget text at the zoom that fits a whole
 * workflow came out at 8–9 px. Text is drawn a little larger, the view starts no smaller than
 * READABLE_START_SCALE (11 px on screen, see GraphEditor's start view), and a node is made wide
 * enough that every widget shows its whole label and, for numbers, its whole value (a seed all its
 * digits). Text values (a model's name, a file prefix) are not widened for: a node grown over its
 * neighbours would hide more than the ellipsis does, and the full text is one click away.
 */
import { BaseWidget, LiteGraph, type LGraphNode } from '@comfyorg/litegraph';
import { MAX_SEED, type NodeSchema } from '../../../app/protocol/index.js';

/** Widget and slot text, and titles, in graph units. */
export const WIDGET_TEXT_SIZE = 14;
export const TITLE_TEXT_SIZE = 15;
/** The smallest text the start view may show, in screen pixels. */
export const READABLE_TEXT_PX = 11;
export const READABLE_START_SCALE = READABLE_TEXT_PX / WIDGET_TEXT_SIZE;

/** litegraph's label/value layout: margins, arrows and padding around the two texts (BaseWidget.drawTruncatingText). */
const WIDGET_CHROME = BaseWidget.margin * 4 + 5 + 20 + BaseWidget.labelValueGap;

export function applyReadableText(): void {
  LiteGraph.NODE_SUBTEXT_SIZE = WIDGET_TEXT_SIZE;
  LiteGraph.NODE_TEXT_SIZE = TITLE_TEXT_SIZE;
  LiteGraph.NODE_WIDGET_HEIGHT = 22;
}

let measure: CanvasRenderingContext2D | null = null;

/** Widens `node` so every widget shows its label, and its whole value when it is a number (a seed: room for any seed). */
export function widenToFitWidgets(node: LGraphNode): void {
  measure ??= document.createElement('canvas').getContext('2d');
  if (!measure || !node.widgets) return;
  measure.font = `${WIDGET_TEXT_SIZE}px ${LiteGraph.NODE_FONT}`;
  const seeds = new Set((node.constructor as { schema?: NodeSchema }).schema?.inputs.filter((input) => input.kind === 'SEED').map((input) => input.name));
  let needed = 0;
  for (const widget of node.widgets) {
    if (widget.type === 'multiline') continue;
    // A seed changes after every queue: its longest form is reserved once, so the node does not grow run by run.
    const value = seeds.has(widget.name) ? measure.measureText(String(MAX_SEED)).width : typeof widget.value === 'number' ? measure.measureText(String(widget.value)).width : BaseWidget.minValueWidth;
    needed = Math.max(needed, measure.measureText(widget.label ?? widget.name).width + value + WIDGET_CHROME);
  }
  if (needed > node.size[0]) node.setSize([Math.ceil(needed), node.size[1]]);
}
