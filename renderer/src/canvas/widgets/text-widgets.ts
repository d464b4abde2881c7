/**
 * STRING widgets. Multiline ones (prompts) draw their wrapped text in a box that grows with the
 * node; single-line ones look like litegraph's text widget. Both edit in an HTML overlay, which
 * for a STRING with suggestions offers them in a drop-down while any other text stays allowed.
 */
import { BaseWidget, LiteGraph, TextWidget, type LGraphNode } from '@comfyorg/litegraph';
import type { WidgetInputSpec } from '../../../../app/protocol/index.js';
import { openTextOverlay } from './text-overlay.js';
import { WIDGET_TEXT_SIZE } from '../readable-text.js';

type WidgetEventOptions = Parameters<TextWidget['onClick']>[0];
type DrawWidgetOptions = Parameters<TextWidget['drawWidget']>[1];
type StringSpec = Extract<WidgetInputSpec, { kind: 'STRING' }>;

const MARGIN = BaseWidget.margin;
const LINE_HEIGHT = 18;

/** Edits a widget's text in an HTML box over it (the model picker's free-text entry uses it too). */
export function editInOverlay(widget: BaseWidget, { e, node, canvas }: WidgetEventOptions, multiline: boolean, suggestions?: readonly string[]): void {
  const height = widget.computedHeight ? widget.computedHeight - 4 : LiteGraph.NODE_WIDGET_HEIGHT;
  openTextOverlay({
    canvas,
    node,
    box: [MARGIN, widget.y, (widget.width || node.size[0]) - MARGIN * 2, Math.max(height, multiline ? 80 : LiteGraph.NODE_WIDGET_HEIGHT)],
    value: String(widget.value ?? ''),
    multiline,
    label: widget.name,
    ...(suggestions ? { suggestions } : {}),
    onInput: (value) => {
      widget.setValue(value, { e, node, canvas });
      canvas.setDirty(true);
    },
  });
}

export class LineTextWidget extends TextWidget {
  readonly #suggestions: readonly string[] | undefined;
  readonly #spec: StringSpec;

  constructor(node: LGraphNode, spec: StringSpec, value: string) {
    super({ type: 'text', name: spec.name, value, options: {}, y: 0 }, node);
    this.#spec = spec;
    this.#suggestions = spec.suggestions;
    if (spec.tooltip) this.tooltip = spec.tooltip;
  }

  /** A subgraph instance shows a promoted widget as a copy; litegraph's copy would call this constructor with its own arguments. */
  override createCopyForNode(node: LGraphNode): this {
    return new LineTextWidget(node, this.#spec, String(this.value)) as this;
  }

  override onClick(options: WidgetEventOptions): void {
    editInOverlay(this, options, false, this.#suggestions);
  }

  override drawWidget(ctx: CanvasRenderingContext2D, options: DrawWidgetOptions): void {
    super.drawWidget(ctx, options);
    if (!this.#suggestions?.length || !options.showText) return;
    // A small caret says "there is a list here" without hiding that the value is free text.
    ctx.fillStyle = this.secondary_text_color;
    ctx.fillText('▾', options.width - MARGIN - 12, this.labelBaseline);
  }
}

export class MultilineTextWidget extends BaseWidget {
  readonly #spec: StringSpec;

  constructor(node: LGraphNode, spec: StringSpec, value: string) {
    super({ type: 'multiline', name: spec.name, value, options: {}, y: 0 }, node);
    this.#spec = spec;
    if (spec.tooltip) this.tooltip = spec.tooltip;
  }

  /** A subgraph instance shows a promoted widget as a copy; litegraph's copy would call this constructor with its own arguments. */
  override createCopyForNode(node: LGraphNode): this {
    return new MultilineTextWidget(node, this.#spec, String(this.value)) as this;
  }

  /** Grows with the node; at least four lines so a prompt is readable. */
  override computeLayoutSize(): { minHeight: number; maxHeight?: number; minWidth: number } {
    return { minHeight: LINE_HEIGHT * 4 + 12, minWidth: 200 };
  }

  override drawWidget(ctx: CanvasRenderingContext2D, { width, showText = true }: DrawWidgetOptions): void {
    const height = (this.computedHeight ?? LINE_HEIGHT * 4 + 16) - 4;
    const boxWidth = width - MARGIN * 2;
    ctx.save();
    ctx.fillStyle = this.background_color;
    ctx.strokeStyle = this.outline_color;
    ctx.beginPath();
    ctx.roundRect(MARGIN, this.y, boxWidth, height, 6);
    ctx.fill();
    ctx.stroke();
    if (showText) {
      ctx.beginPath();
      ctx.rect(MARGIN, this.y, boxWidth, height);
      ctx.clip();
      ctx.font = `${WIDGET_TEXT_SIZE}px sans-serif`;
      ctx.textAlign = 'left';
      const text = String(this.value ?? '');
      ctx.fillStyle = text ? this.text_color : this.secondary_text_color;
      const lines = text ? wrapText(ctx, text, boxWidth - 12) : [`${this.name}…`];
      lines.slice(0, Math.floor((height - 6) / LINE_HEIGHT)).forEach((line, index) => ctx.fillText(line, MARGIN + 6, this.y + 18 + index * LINE_HEIGHT));
    }
    ctx.restore();
  }

  override onClick(options: WidgetEventOptions): void {
    editInOverlay(this, options, true);
  }
}

/** Greedy word wrap; explicit newlines are kept and over-long words are broken. */
function wrapText(ctx: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/(\s+)/)) {
      const candidate = line + word;
      if (ctx.measureText(candidate).width <= width || line === '') line = candidate;
      else {
        lines.push(line.trimEnd());
        line = word.trimStart();
      }
    }
    lines.push(line);
  }
  return lines;
}
