/**
 * A STRING widget that names one of the engine's models (schema `modelList`): drawn like a combo,
 * it opens a drop-down of the models the engine lists now (asked afresh on every click), with each
 * one's training size, and "Other name or path…" for free text. A name the engine does not list —
 * a workflow from another machine — is kept as it is and drawn in red as missing, never replaced.
 */
import { BaseWidget, type LGraphNode, type TextWidget } from '@comfyorg/litegraph';
import type { WidgetInputSpec } from '../../../../app/protocol/index.js';
import type { ModelCatalog } from '../../models/model-catalog.js';
import { openChoiceMenu, type Choice } from './choice-menu.js';
import { editInOverlay } from './text-widgets.js';

type WidgetEventOptions = Parameters<TextWidget['onClick']>[0];
type DrawWidgetOptions = Parameters<TextWidget['drawWidget']>[1];
type StringSpec = Extract<WidgetInputSpec, { kind: 'STRING' }>;

const MISSING_COLOR = '#ff6b6b';

export class ModelPickerWidget extends BaseWidget {
  readonly #catalog: ModelCatalog;
  readonly #spec: StringSpec;

  constructor(node: LGraphNode, spec: StringSpec, value: string, catalog: ModelCatalog) {
    super({ type: 'model-picker', name: spec.name, value, options: {}, y: 0 }, node);
    this.#catalog = catalog;
    this.#spec = spec;
    if (spec.tooltip) this.tooltip = spec.tooltip;
  }

  /** A subgraph instance shows a promoted widget as a copy; litegraph's copy would call this constructor with its own arguments. */
  override createCopyForNode(node: LGraphNode): this {
    return new ModelPickerWidget(node, this.#spec, String(this.value ?? ''), this.#catalog) as this;
  }

  get missing(): boolean {
    const name = String(this.value ?? '');
    return name !== '' && !this.#catalog.knows(name);
  }

  /** What the widget shows as its value; the debug handle reads it too. */
  get displayText(): string {
    const name = String(this.value ?? '');
    return this.missing ? `⚠ ${name} (missing)` : name;
  }

  override get _displayValue(): string {
    return this.computedDisabled ? '' : this.displayText;
  }

  override get text_color(): string {
    return this.missing ? MISSING_COLOR : super.text_color;
  }

  override drawWidget(ctx: CanvasRenderingContext2D, { width, showText = true }: DrawWidgetOptions): void {
    const { fillStyle, textAlign } = ctx;
    this.drawWidgetShape(ctx, { width, showText });
    if (showText) {
      this.drawTruncatingText({ ctx, width });
      ctx.fillStyle = this.secondary_text_color;
      ctx.textAlign = 'left';
      ctx.fillText('▾', width - BaseWidget.margin - 14, this.labelBaseline);
    }
    Object.assign(ctx, { fillStyle, textAlign });
  }

  override onClick(options: WidgetEventOptions): void {
    void this.#catalog.refresh().then(() => this.#openMenu(options));
  }

  #openMenu(options: WidgetEventOptions): void {
    const { node, canvas } = options;
    const current = String(this.value ?? '');
    const pick = (name: string) => () => {
      this.setValue(name, options);
      canvas.setDirty(true, true);
    };
    const models = this.#catalog.checkpoints ?? [];
    const choices: Choice[] = [
      ...(this.missing ? [{ label: `⚠ ${current} (missing)`, detail: 'not in the models folder', disabled: true }] : []),
      ...models.map((model) => ({ label: model.name, ...(model.nativeSize ? { detail: `${model.nativeSize.width}×${model.nativeSize.height}` } : {}), pick: pick(model.name) })),
      { label: 'Other name or path…', pick: () => editInOverlay(this, options, false) },
    ];
    const offset = canvas.convertOffsetToCanvas([node.pos[0] + BaseWidget.margin, node.pos[1] + this.y], [0, 0]);
    const rect = canvas.canvas.getBoundingClientRect();
    const widgetTop = rect.top + offset[1]!;
    const at = { left: rect.left + offset[0]!, top: widgetTop + this.height * canvas.ds.scale + 2, flipTop: widgetTop, minWidth: (node.size[0] - BaseWidget.margin * 2) * canvas.ds.scale };
    openChoiceMenu(at, this.name, choices);
  }
}
