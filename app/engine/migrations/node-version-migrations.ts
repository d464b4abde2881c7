/**
 * Node-type versions: a node records the version of its type that wrote its widget values, and the
 * type's definition lists one migration per version step (NodeDefinition.migrations, each upgrading
 * `fromVersion` to `fromVersion + 1`). Loading runs the steps in order until the node is at the
 * registered version — the chain of small up-migrations tldraw's `store/src/lib/migrate.ts` uses.
 *
 * A node written by a newer version than this app knows cannot be read safely (its values may mean
 * something else now), so it is reported and left untouched rather than guessed at.
 */
import type { Issue, WidgetValue } from '../../protocol/index.js';
import type { AnyNodeDefinition } from '../node-definition.js';
import type { NodeRegistry } from '../node-registry.js';
import { isWidgetValue } from '../positional-widgets.js';
import { isJsonObject } from './litegraph-layout.js';
import type { JsonObject } from './litegraph-layout.js';

export interface NodeVersionOutcome {
  workflow: JsonObject;
  notes: string[];
  issues: Issue[];
}

type Upgrade = { ok: true; widgets: Record<string, WidgetValue> } | { ok: false; issue: Issue };

function readWidgets(value: unknown): Record<string, WidgetValue> | undefined {
  if (value === undefined) return {};
  if (!isJsonObject(value) || !Object.values(value).every(isWidgetValue)) return undefined;
  return value as Record<string, WidgetValue>;
}

function upgrade(
  nodeId: string,
  definition: AnyNodeDefinition,
  savedVersion: number,
  widgets: Record<string, WidgetValue>,
): Upgrade {
  const { schema } = definition;
  const where = { nodeId, nodeType: schema.type };
  let upgraded = widgets;
  for (let version = savedVersion; version < schema.version; version++) {
    const step = definition.migrations?.find((migration) => migration.fromVersion === version);
    if (step === undefined) {
      return {
        ok: false,
        issue: {
          code: 'invalid_workflow',
          ...where,
          message: `node type ${schema.type} is at version ${schema.version} but has no migration from version ${version}`,
          hint: `This is a bug in the ${schema.type} node definition; please report it with this workflow attached.`,
        },
      };
    }
    try {
      // A copy, so a migration that edits its argument cannot change the file being read.
      upgraded = step.migrate({ ...upgraded });
    } catch (error) {
      return {
        ok: false,
        issue: {
          code: 'invalid_workflow',
          ...where,
          message: `upgrading its widget values from version ${version} to ${version + 1} failed: ${error instanceof Error ? error.message : String(error)}`,
          hint: 'Re-enter the widget values on the canvas and save the workflow again.',
        },
      };
    }
  }
  return { ok: true, widgets: upgraded };
}

function upgradeNode(raw: unknown, registry: NodeRegistry, outcome: NodeVersionOutcome): unknown {
  if (!isJsonObject(raw) || typeof raw.type !== 'string') return raw;
  const definition = registry.get(raw.type);
  const saved = raw.version ?? 1;
  const widgets = readWidgets(raw.widgets);
  // Unknown types and malformed fields are for the validator, which names them precisely.
  if (definition === undefined || !Number.isInteger(saved) || (saved as number) < 1 || widgets === undefined) return raw;
  const savedVersion = saved as number;
  const { schema } = definition;
  const nodeId = String(raw.id);
  if (savedVersion > schema.version) {
    outcome.issues.push({
      code: 'invalid_workflow',
      nodeId,
      nodeType: schema.type,
      message: `was saved by a newer ScaleCrafter Studio: node version ${savedVersion}, and this app knows ${schema.type} up to version ${schema.version}`,
      hint: 'Update ScaleCrafter Studio to open this workflow; until then this node cannot run.',
    });
    return raw;
  }
  if (savedVersion === schema.version) return raw;
  const result = upgrade(nodeId, definition, savedVersion, widgets);
  if (!result.ok) {
    outcome.issues.push(result.issue);
    return raw;
  }
  outcome.notes.push(`node ${nodeId} (${schema.type}) upgraded from version ${savedVersion} to ${schema.version}`);
  return { ...raw, version: schema.version, widgets: result.widgets };
}

/** Brings every node of a known type to its registered version. Expects a version-1 (or later) file. */
export function upgradeNodeVersions(workflow: JsonObject, registry: NodeRegistry): NodeVersionOutcome {
  const outcome: NodeVersionOutcome = { workflow, notes: [], issues: [] };
  if (!Array.isArray(workflow.nodes)) return outcome;
  const nodes = workflow.nodes.map((node: unknown) => upgradeNode(node, registry, outcome));
  return { ...outcome, workflow: { ...workflow, nodes } };
}
