/**
 * INT, FLOAT and SEED widgets: litegraph's number widget with two changes. Its click prompt ran the
 * typed text through `eval` (forbidden by our Content-Security-Policy, and a script-injection hole);
 * here the text goes through a small arithmetic parser. And values snap to the schema's step, so
 * dragging an INT never stores 20.4.
 */
import { NumberWidget, type LGraphNode } from '@comfyorg/litegraph';
import type { WidgetInputSpec } from '../../../../app/protocol/index.js';
import { MAX_SEED } from '../../../../app/protocol/index.js';
import { tryEvaluateArithmetic } from '../../widgets/arithmetic.js';

type WidgetEventOptions = Parameters<NumberWidget['onClick']>[0];
type NumericSpec = Extract<WidgetInputSpec, { kind: 'INT' | 'FLOAT' | 'SEED' }>;

/** Pixels at each end of the widget that act as the −/+ arrows, as in litegraph. */
const ARROW_ZONE = 40;

export class SafeNumberWidget extends NumberWidget {
  readonly #step: number;
  readonly #integer: boolean;
  readonly #spec: NumericSpec;

  constructor(node: LGraphNode, spec: NumericSpec, value: number) {
    const integer = spec.kind !== 'FLOAT';
    const step = spec.kind === 'SEED' ? 1 : spec.step;
    const options = {
      min: spec.kind === 'SEED' ? 0 : spec.min,
      max: spec.kind === 'SEED' ? MAX_SEED : spec.max,
      // litegraph steps by step2 (the legacy `step` is ten times it).
      step2: step,
      step: step * 10,
      precision: integer ? 0 : decimalsOf(step),
    };
    super({ type: 'number', name: spec.name, value, options, y: 0 }, node);
    this.#step = step;
    this.#integer = integer;
    this.#spec = spec;
    if (spec.tooltip) this.tooltip = spec.tooltip;
  }

  /** A subgraph instance shows a promoted widget as a copy; litegraph's copy would call this constructor with its own arguments. */
  override createCopyForNode(node: LGraphNode): this {
    return new SafeNumberWidget(node, this.#spec, Number(this.value)) as this;
  }

  override setValue(value: number, options: WidgetEventOptions): void {
    super.setValue(this.#snap(value), options);
  }

  override onClick({ e, node, canvas }: WidgetEventOptions): void {
    const x = e.canvasX - node.pos[0];
    const width = this.width || node.size[0];
    if (x < ARROW_ZONE) return this.setValue(this.value - this.#step, { e, node, canvas });
    if (x > width - ARROW_ZONE) return this.setValue(this.value + this.#step, { e, node, canvas });
    canvas.prompt(
      this.name,
      this.value,
      (text: string) => {
        const value = tryEvaluateArithmetic(String(text));
        if (value !== null) this.setValue(value, { e, node, canvas });
      },
      e,
    );
  }

  #snap(value: number): number {
    if (this.#integer) return Math.round(value);
    const decimals = decimalsOf(this.#step);
    return Number((Math.round(value / this.#step) * this.#step).toFixed(decimals));
  }
}

function decimalsOf(step: number): number {
  const text = String(step);
  const exponent = /e-(\d+)$/.exec(text);
  if (exponent) return Number(exponent[1]);
  return text.includes('.') ? text.split('.')[1]!.length : 0;
}
