/**
 * litegraph (and ComfyUI, which is built on it) saves a node's widget values as one positional array,
 * `widgets_values`, in the order the node's widgets were created: its non-socket inputs in schema
 * order. A widget converted to an input socket keeps its slot in the array. A seed widget is followed
 * by one extra value, its after-run control ("fixed", "randomize", …), because ComfyUI draws that
 * control as a widget of its own (ComfyUI_frontend `widgets/useIntWidget`, `addValueControlWidget`).
 *
 * This module turns such an array into values by name, given the widget order of the node that wrote
 * it. A count that does not match the order is refused: shifting every value by one slot would put
 * the step count into the CFG scale without a word.
 */
import { SEED_CONTROLS, isWidget } from '../protocol/index.js';
import type { InputSpec, Issue, SeedControl, WidgetValue } from '../protocol/index.js';

export interface PositionalWidget {
  readonly name: string;
  /** A control value ("fixed", "randomize", …) follows this widget's own value in the array. */
  readonly hasControl: boolean;
}

export interface NamedWidgets {
  widgets: Record<string, WidgetValue>;
  widget_controls: Record<string, SeedControl>;
}

export type PositionalWidgetsResult = ({ ok: true } & NamedWidgets) | { ok: false; issue: Issue };

/** The node whose values are read, for the issue a mismatch produces. */
export interface PositionalOwner {
  readonly id: string | number;
  readonly type: string;
}

/** Our own node types: every non-socket input is a widget, and SEED widgets carry a control. */
export function widgetOrderOf(inputs: readonly InputSpec[]): PositionalWidget[] {
  return inputs.filter(isWidget).map((spec) => ({ name: spec.name, hasControl: spec.kind === 'SEED' }));
}

/** How many values a `widgets_values` array holds for this order: one per widget plus one per control. */
export function positionalLength(order: readonly PositionalWidget[]): number {
  return order.reduce((count, widget) => count + (widget.hasControl ? 2 : 1), 0);
}

export function isWidgetValue(value: unknown): value is WidgetValue {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * Early ComfyUI drew the seed control as a "randomize" on/off toggle and saved a boolean; its default
 * graph (ComfyUI_frontend `src/scripts/defaultGraph.ts`) still ships `true` in that slot.
 */
export function readControl(value: unknown): SeedControl | undefined {
  if (value === true) return 'randomize';
  if (value === false) return 'fixed';
  return SEED_CONTROLS.find((control) => control === value);
}

function describeOrder(order: readonly PositionalWidget[]): string {
  return order.map((widget) => (widget.hasControl ? `${widget.name}, ${widget.name}'s control` : widget.name)).join(', ');
}

function problem(owner: PositionalOwner, message: string, field?: string): PositionalWidgetsResult {
  return {
    ok: false,
    issue: {
      code: 'invalid_value',
      nodeId: String(owner.id),
      nodeType: owner.type,
      ...(field === undefined ? {} : { field }),
      message,
      hint: 'Re-enter the widget values on the canvas and save the workflow again.',
    },
  };
}

/**
 * Maps `widgets_values` to values by name. An absent array means the node was saved without widget
 * values (litegraph omits the key, ComfyUI's default graph omits it for SaveImage): every widget then
 * keeps its default, so the result is empty rather than a problem.
 */
export function namedFromPositional(values: unknown, order: readonly PositionalWidget[], owner: PositionalOwner): PositionalWidgetsResult {
  if (values === undefined) return { ok: true, widgets: {}, widget_controls: {} };
  if (!Array.isArray(values)) {
    return problem(owner, `widgets_values is ${values === null ? 'null' : typeof values}, not an array of widget values`);
  }
  const expected = positionalLength(order);
  if (values.length !== expected) {
    return problem(
      owner,
      `widgets_values holds ${values.length} values but the node's widgets take ${expected} (${describeOrder(order) || 'none'}); ` +
        'the file was written for a different version of this node type',
    );
  }
  const named: NamedWidgets = { widgets: {}, widget_controls: {} };
  let position = 0;
  for (const widget of order) {
    const value: unknown = values[position++];
    if (!isWidgetValue(value)) {
      return problem(owner, `widget "${widget.name}" holds ${JSON.stringify(value)}, which is not a number, string, boolean or null`, widget.name);
    }
    named.widgets[widget.name] = value;
    if (!widget.hasControl) continue;
    const rawControl: unknown = values[position++];
    const control = readControl(rawControl);
    if (control === undefined) {
      return problem(owner, `the control after "${widget.name}" is ${JSON.stringify(rawControl)}, not one of ${SEED_CONTROLS.join(', ')}`, widget.name);
    }
    named.widget_controls[widget.name] = control;
  }
  return { ok: true, ...named };
}
