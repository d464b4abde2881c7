/**
 * After a workflow is queued, every seed whose control is not "fixed" moves on (ComfyUI's
 * control_after_generate), and so does an integer a ComfyUI PrimitiveNode holds (its control is its
 * own; what it feeds takes the new value on the next run). Returns the new values; the caller writes
 * them into the canvas.
 */
import { PRIMITIVE_NODE_TYPE, PRIMITIVE_VALUE_WIDGET, type NodeSchema, type Workflow, type WorkflowNode } from '../../../app/protocol/index.js';
import { seedAfterQueue } from '../widgets/seed-control.js';

export interface SeedUpdate {
  nodeId: number;
  widget: string;
  value: number;
}

export function seedUpdatesAfterQueue(workflow: Workflow, schemas: ReadonlyMap<string, NodeSchema>, random: () => number = Math.random): SeedUpdate[] {
  const updates: SeedUpdate[] = [];
  for (const node of workflow.nodes) {
    const primitive = primitiveUpdate(node, random);
    if (primitive) updates.push(primitive);
    const schema = schemas.get(node.type);
    for (const spec of schema?.inputs ?? []) {
      if (spec.kind !== 'SEED') continue;
      const seed = node.widgets[spec.name];
      if (typeof seed !== 'number') continue;
      // A seed driven by a link is not this widget's to change.
      if (node.inputs.some((input) => input.name === spec.name && input.link !== null)) continue;
      const next = seedAfterQueue(seed, node.widget_controls[spec.name] ?? spec.controlDefault, random);
      if (next !== seed) updates.push({ nodeId: node.id, widget: spec.name, value: next });
    }
  }
  return updates;
}

/** A PrimitiveNode's integer, moved by its control the way a seed is (its float and text values stay). */
function primitiveUpdate(node: WorkflowNode, random: () => number): SeedUpdate | undefined {
  const value = node.widgets[PRIMITIVE_VALUE_WIDGET];
  const control = node.widget_controls[PRIMITIVE_VALUE_WIDGET];
  if (node.type !== PRIMITIVE_NODE_TYPE || typeof value !== 'number' || !Number.isInteger(value) || control === undefined) return undefined;
  const next = seedAfterQueue(value, control, random);
  return next === value ? undefined : { nodeId: node.id, widget: PRIMITIVE_VALUE_WIDGET, value: next };
}

/** `workflow` with `updates` applied: what the canvas holds once the seeds have moved on. */
export function withSeedUpdates(workflow: Workflow, updates: readonly SeedUpdate[]): Workflow {
  if (updates.length === 0) return workflow;
  return {
    ...workflow,
    nodes: workflow.nodes.map((node) => {
      const mine = updates.filter((update) => update.nodeId === node.id);
      return mine.length === 0 ? node : { ...node, widgets: { ...node.widgets, ...Object.fromEntries(mine.map((update) => [update.widget, update.value])) } };
    }),
  };
}
