/**
 * control_after_generate inside subgraphs for `run --batch-count` (the moves: app/protocol/subgraph-controls.ts,
 * which the editor applies after each Queue too), as `--set` overrides (`40:6.seed`, `40.seed`:
 * widget-overrides.ts), so a batch's next copy is the file with them applied.
 */
import { subgraphControlMoves, type NodeSchema, type WidgetOverride, type Workflow } from '../protocol/index.js';

export function subgraphControlOverrides(workflow: Workflow, schemas: ReadonlyMap<string, NodeSchema>, random: () => number = Math.random): WidgetOverride[] {
  return subgraphControlMoves(workflow, schemas, random).map((move) =>
    move.kind === 'inner' ? { nodeId: move.executionId, field: move.widget, value: move.value } : { nodeId: String(move.instanceId), field: move.input, value: move.value },
  );
}
