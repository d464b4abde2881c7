/**
 * One step of the workflow file format's history: it reads a file of version `from` and writes one of
 * version `to`. Steps run in a chain (0 → 1 → …), so each only knows the version right after it.
 */
import type { Issue } from '../../protocol/index.js';
import type { NodeRegistry } from '../node-registry.js';
import type { JsonObject } from './litegraph-layout.js';

export interface FileMigrationOutcome {
  workflow: JsonObject;
  /** What changed, in words a user can follow ("kept the values of unknown node X unnamed"). */
  notes: string[];
  /** What could not be carried over; the workflow must not run until the user has looked. */
  issues: Issue[];
}

export interface WorkflowFileMigration {
  readonly from: number;
  readonly to: number;
  /** One line for the migration note shown when a file is upgraded. */
  readonly summary: string;
  /** Node schemas give the meaning of stored values (widget order, names); the registry supplies them. */
  migrate(workflow: JsonObject, registry: NodeRegistry): FileMigrationOutcome;
}
