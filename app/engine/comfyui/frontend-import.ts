/**
 * ComfyUI's frontend-only nodes on import. A PrimitiveNode's `widgets_values` is its value, then (for
 * numbers and combos) its control after generating, then (combos) a filter
 * (ComfyUI_frontend `extensions/core/widgetInputs.ts`); the value and the control are stored by name,
 * for workflow → prompt to hand on and for the control to move the value after each run. ComfyUI's
 * values mean the same here (sampler and scheduler names included), so they are kept as they are.
 */
import { PRIMITIVE_NODE_TYPE, PRIMITIVE_VALUE_WIDGET, SEED_CONTROLS } from '../../protocol/index.js';
import { isWidgetValue, readControl } from '../positional-widgets.js';
import type { ImportReport, NodeLayout } from './imported-node.js';
import { KeptNode, type NamedValues } from './kept-node.js';

function primitiveValues(raw: Record<string, unknown>, id: number, report: ImportReport): NamedValues {
  const values: unknown[] = Array.isArray(raw.widgets_values) ? raw.widgets_values : [];
  const [value, control] = values;
  if (value === undefined) return { widgets: {}, controls: {} };
  if (!isWidgetValue(value)) {
    report.issues.push({ code: 'invalid_value', nodeId: String(id), nodeType: PRIMITIVE_NODE_TYPE, field: PRIMITIVE_VALUE_WIDGET, message: `the value ${JSON.stringify(value)} is not a number, string, boolean or null; it was left out`, hint: 'Set the value on the canvas.' });
    return { widgets: {}, controls: {} };
  }
  const readable = readControl(control);
  if (control !== undefined && readable === undefined) {
    report.notes.push(`node ${id} (${PRIMITIVE_NODE_TYPE}): its control after generating, ${JSON.stringify(control)}, has no counterpart here (${SEED_CONTROLS.join(', ')}); it stays fixed`);
  }
  return { widgets: { [PRIMITIVE_VALUE_WIDGET]: value }, controls: readable ? { [PRIMITIVE_VALUE_WIDGET]: readable } : {} };
}

/** A frontend-only node from a UI file: a PrimitiveNode keeps its value by name, the others their slots and values as written. */
export function importFrontendNode(raw: Record<string, unknown>, id: number, type: string, layout: NodeLayout, report: ImportReport): KeptNode {
  if (type === PRIMITIVE_NODE_TYPE) return KeptNode.frontendOnly(id, type, raw, layout, primitiveValues(raw, id, report));
  return KeptNode.fromUi(id, type, raw, layout);
}
