/**
 * `run --batch-count N`: the workflow queued N times, as ComfyUI's batch count queues it — each copy
 * after the previous one's controls (control_after_generate: seeds, controlled integers, primitives,
 * inside subgraphs and on their instances' promoted widgets too) have moved their values on, exactly as the editor moves them between two Queue clicks. A copy is
 * the file with `--set` plus the moved values as further overrides, so each is loaded and validated
 * like the first and its problems are named in the file's own terms.
 */
import { subgraphControlOverrides } from '../engine/subgraph-controls.js';
import { applyOverrides } from '../engine/widget-overrides.js';
import type { EngineClient } from '../engine/engine-client.js';
import { controlUpdatesAfterQueue, withControlUpdates, type WidgetOverride } from '../protocol/index.js';

export async function overridesPerCopy(engine: EngineClient, json: unknown, set: readonly WidgetOverride[], count: number): Promise<WidgetOverride[][]> {
  const copies = [[...set]];
  if (count <= 1) return copies;
  const loaded = await engine.request('loadWorkflow', { workflow: json });
  const overridden = loaded.ok ? applyOverrides(loaded.workflow, set) : undefined;
  // A file that does not load is refused when the first copy is queued, with every problem named.
  if (!overridden?.ok) return copies;
  const schemas = new Map((await engine.request('nodeSchemas', {})).map((schema) => [schema.type, schema]));
  const moved = new Map<string, WidgetOverride>();
  let workflow = overridden.workflow;
  while (copies.length < count) {
    const updates = controlUpdatesAfterQueue(workflow, schemas);
    const inSubgraphs = subgraphControlOverrides(workflow, schemas);
    const applied = applyOverrides(withControlUpdates(workflow, updates), inSubgraphs);
    workflow = applied.ok ? applied.workflow : withControlUpdates(workflow, updates);
    for (const { nodeId, widget, value } of updates) moved.set(`${nodeId}.${widget}`, { nodeId: String(nodeId), field: widget, value });
    for (const override of inSubgraphs) moved.set(`${override.nodeId}.${override.field}`, override);
    copies.push([...set, ...moved.values()]);
  }
  return copies;
}
