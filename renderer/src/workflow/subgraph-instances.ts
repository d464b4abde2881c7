/**
 * A subgraph instance on the canvas: its title defaults to the definition's name, and the values of
 * its promoted widgets (a subgraph input that feeds a widget inside shows as a widget on each
 * instance, with the instance's own value) are canvas widgets by the input's name. The file keeps
 * those values as ComfyUI does, in the order of the instance's widget-bearing inputs
 * (SUBGRAPH_WIDGET_VALUES_PROPERTY), which is where the engine reads them when it expands the instance.
 */
import { SUBGRAPH_WIDGET_VALUES_PROPERTY, type WidgetValue, type WorkflowNode } from '../../../app/protocol/index.js';
import type { CanvasNode, CanvasWidget } from './canvas-state.js';

const isWidgetValue = (value: unknown): value is WidgetValue => value === null || ['number', 'string', 'boolean'].includes(typeof value);

/** The promoted widgets' values of an instance read from the file, each named by its input. */
export function promotedWidgets(node: WorkflowNode): CanvasWidget[] {
  const stored = node.properties[SUBGRAPH_WIDGET_VALUES_PROPERTY];
  const values = Array.isArray(stored) ? stored : [];
  const promoted = node.inputs.filter((input) => typeof input.widget === 'object' && input.widget !== null);
  return promoted.flatMap((input, index) => (isWidgetValue(values[index]) ? [{ name: input.name, value: values[index] }] : []));
}

/** The instance's properties without the promoted values, which the canvas holds as widgets. */
export function instanceProperties(node: WorkflowNode): Record<string, unknown> {
  const { [SUBGRAPH_WIDGET_VALUES_PROPERTY]: _values, ...rest } = node.properties;
  return structuredClone(rest);
}

/** The instance's properties as the file keeps them: its promoted widgets' values in order. */
export function instanceFileProperties(node: CanvasNode): Record<string, unknown> {
  const values = node.widgets.filter((widget) => widget.controlOf === undefined).map((widget) => widget.value);
  return { ...structuredClone(node.properties), ...(values.length > 0 ? { [SUBGRAPH_WIDGET_VALUES_PROPERTY]: values } : {}) };
}
