/**
 * After a workflow is queued, every controlled value whose control is not "fixed" moves on (ComfyUI's
 * control_after_generate): seeds, integers that declare a control (our Integer, ComfyUI's
 * PrimitiveInt) and the value a ComfyUI PrimitiveNode holds, within the range of the widget it
 * feeds (ComfyUI's primitive copies that widget). A widget fed by a link is not its own to move.
 * Returns the new values; the editor writes them into the canvas, the CLI into its next run.
 */
import { controlDefaultOf, MAX_SEED, type InputSpec, type NodeSchema } from './node-schema.js';
import { PRIMITIVE_NODE_TYPE, PRIMITIVE_VALUE_WIDGET } from './frontend-nodes.js';
import { CONTROL_LIMIT, nextControlledValue, type ControlledRange } from './value-control.js';
import type { Workflow, WorkflowNode } from './workflow.js';

export interface ControlUpdate {
  nodeId: number;
  widget: string;
  value: number;
}

type Schemas = ReadonlyMap<string, NodeSchema>;

/** The range a controlled widget moves in (a seed: 0 … MAX_SEED by 1); undefined for widgets that are not numbers. */
export function controlledRangeOf(spec: InputSpec): ControlledRange | undefined {
  if (spec.kind === 'SEED') return { min: 0, max: MAX_SEED, step: 1 };
  if (spec.kind === 'INT' || spec.kind === 'FLOAT') return { min: spec.min, max: spec.max, step: spec.step };
  return undefined;
}

export function controlUpdatesAfterQueue(workflow: Workflow, schemas: Schemas, random: () => number = Math.random): ControlUpdate[] {
  const updates: ControlUpdate[] = [];
  for (const node of workflow.nodes) {
    const primitive = primitiveUpdate(workflow, node, schemas, random);
    if (primitive) updates.push(primitive);
    for (const spec of schemas.get(node.type)?.inputs ?? []) {
      const update = widgetUpdate(node, spec, random);
      if (update) updates.push(update);
    }
  }
  return updates;
}

function widgetUpdate(node: WorkflowNode, spec: InputSpec, random: () => number): ControlUpdate | undefined {
  const control = node.widget_controls[spec.name] ?? controlDefaultOf(spec);
  const range = controlledRangeOf(spec);
  const value = node.widgets[spec.name];
  if (control === undefined || range === undefined || typeof value !== 'number') return undefined;
  if (node.inputs.some((input) => input.name === spec.name && input.link !== null)) return undefined;
  const next = nextControlledValue(value, control, range, random);
  return next === value ? undefined : { nodeId: node.id, widget: spec.name, value: next };
}

/** The widget spec a PrimitiveNode's first link feeds, if it is a widget of a known type. */
function fedSpec(workflow: Workflow, node: WorkflowNode, schemas: Schemas): InputSpec | undefined {
  const link = workflow.links.find((candidate) => candidate.origin_id === node.id);
  const target = link && workflow.nodes.find((candidate) => candidate.id === link.target_id);
  const inputName = link && target?.inputs[link.target_slot]?.name;
  return target && schemas.get(target.type)?.inputs.find((spec) => spec.name === inputName);
}

/** A PrimitiveNode's number moved by its control; one feeding nothing known moves only if it is an integer. */
function primitiveUpdate(workflow: Workflow, node: WorkflowNode, schemas: Schemas, random: () => number): ControlUpdate | undefined {
  const value = node.widgets[PRIMITIVE_VALUE_WIDGET];
  const control = node.widget_controls[PRIMITIVE_VALUE_WIDGET];
  if (node.type !== PRIMITIVE_NODE_TYPE || typeof value !== 'number' || control === undefined) return undefined;
  const spec = fedSpec(workflow, node, schemas);
  const range = spec ? controlledRangeOf(spec) : Number.isInteger(value) ? { min: -CONTROL_LIMIT, max: CONTROL_LIMIT, step: 1 } : undefined;
  if (range === undefined) return undefined;
  const next = nextControlledValue(value, control, range, random);
  return next === value ? undefined : { nodeId: node.id, widget: PRIMITIVE_VALUE_WIDGET, value: next };
}

/** `workflow` with `updates` applied: what the canvas holds once the values have moved on. */
export function withControlUpdates(workflow: Workflow, updates: readonly ControlUpdate[]): Workflow {
  if (updates.length === 0) return workflow;
  return {
    ...workflow,
    nodes: workflow.nodes.map((node) => {
      const mine = updates.filter((update) => update.nodeId === node.id);
      return mine.length === 0 ? node : { ...node, widgets: { ...node.widgets, ...Object.fromEntries(mine.map((update) => [update.widget, update.value])) } };
    }),
  };
}
