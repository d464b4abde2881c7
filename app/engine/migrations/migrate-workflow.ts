/**
 * Brings any workflow file this app (or litegraph) ever wrote up to the current format: first the
 * file format, one version step at a time, then each node to its type's registered version. The
 * result is still `unknown` — the workflow schema check comes after, and names what is left wrong.
 */
import { WORKFLOW_FORMAT, WORKFLOW_VERSION } from '../../protocol/index.js';
import type { Issue } from '../../protocol/index.js';
import type { NodeRegistry } from '../node-registry.js';
import type { WorkflowFileMigration } from './file-migration.js';
import { isJsonObject } from './litegraph-layout.js';
import type { JsonObject } from './litegraph-layout.js';
import { upgradeNodeVersions } from './node-version-migrations.js';
import { workflowV0ToV1 } from './workflow-v0-to-v1.js';

/** Every step of the file format's history, oldest first; a new format version adds one entry. */
export const WORKFLOW_FILE_MIGRATIONS: readonly WorkflowFileMigration[] = [workflowV0ToV1];

export interface WorkflowMigrationResult {
  /** The upgraded file, or the input unchanged when it could not be read at all. */
  workflow: unknown;
  /** What was changed on the way, for a "this file was upgraded" notice. */
  notes: string[];
  /** What could not be carried over; a workflow with issues must not run. */
  issues: Issue[];
}

const UPDATE_HINT = 'Update ScaleCrafter Studio to open this workflow.';

/**
 * The file format version of a parsed file. A file without our `format` key is litegraph's own
 * layout, version 0, whatever its `version` says (litegraph writes its library version there, 0.4).
 */
export function workflowFileVersion(json: JsonObject): { ok: true; version: number } | { ok: false; issue: Issue } {
  if (json.format === undefined) return { ok: true, version: 0 };
  if (json.format !== WORKFLOW_FORMAT) {
    return {
      ok: false,
      issue: { code: 'invalid_workflow', message: `"format" is ${JSON.stringify(json.format)}, not "${WORKFLOW_FORMAT}"; this is not a ScaleCrafter workflow` },
    };
  }
  const version = json.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    return {
      ok: false,
      issue: { code: 'invalid_workflow', message: `"version" is ${JSON.stringify(version)}; a workflow file's version is a whole number` },
    };
  }
  if (version > WORKFLOW_VERSION) {
    return {
      ok: false,
      issue: {
        code: 'invalid_workflow',
        message: `the file is workflow format version ${version}, written by a newer ScaleCrafter Studio; this app reads up to version ${WORKFLOW_VERSION}`,
        hint: UPDATE_HINT,
      },
    };
  }
  return { ok: true, version };
}

export function migrateWorkflow(json: unknown, registry: NodeRegistry): WorkflowMigrationResult {
  if (!isJsonObject(json)) {
    const found = Array.isArray(json) ? 'an array' : json === null ? 'null' : `a ${typeof json}`;
    return {
      workflow: json,
      notes: [],
      issues: [{ code: 'invalid_workflow', message: `a workflow file is a JSON object with "nodes" and "links", but this is ${found}` }],
    };
  }
  const detected = workflowFileVersion(json);
  if (!detected.ok) return { workflow: json, notes: [], issues: [detected.issue] };

  const notes: string[] = [];
  const issues: Issue[] = [];
  let workflow = json;
  let version = detected.version;
  while (version < WORKFLOW_VERSION) {
    const step = WORKFLOW_FILE_MIGRATIONS.find((migration) => migration.from === version);
    if (step === undefined) {
      issues.push({ code: 'invalid_workflow', message: `no migration reads workflow format version ${version}; this is a bug, please report it` });
      return { workflow, notes, issues };
    }
    const outcome = step.migrate(workflow, registry);
    notes.push(`upgraded the workflow file from version ${step.from} to ${step.to}: ${step.summary}`, ...outcome.notes);
    issues.push(...outcome.issues);
    workflow = outcome.workflow;
    version = step.to;
  }
  const nodes = upgradeNodeVersions(workflow, registry);
  return { workflow: nodes.workflow, notes: [...notes, ...nodes.notes], issues: [...issues, ...nodes.issues] };
}
