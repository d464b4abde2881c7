/** A shipped workflow file, migrated by the engine as the canvas would open it, and the real registry's schemas. */
import { readFileSync } from 'node:fs';
import { loadWorkflow } from '../../../app/engine/workflow-load.js';
import type { NodeSchema, Workflow } from '../../../app/protocol/index.js';
import { createNodeRegistry } from '../../../nodes/index.js';

export const registry = createNodeRegistry();
export const schemas: ReadonlyMap<string, NodeSchema> = new Map(registry.schemas().map((schema) => [schema.type, schema]));

export function shippedWorkflow(name: string): Workflow {
  const result = loadWorkflow(JSON.parse(readFileSync(new URL(`../../../workflows/${name}`, import.meta.url), 'utf8')), registry);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.workflow;
}
