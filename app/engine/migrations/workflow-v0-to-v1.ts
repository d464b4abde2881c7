/**
 * Version 0 → 1. Version 0 is litegraph's own `LGraph.serialize()` layout: widget values as a
 * positional `widgets_values` array and links as `[id, origin_id, origin_slot, target_id, target_slot,
 * type]` arrays. Version 1 stores widget values by name, links as objects and each node's type version,
 * so a node type can grow a widget without shifting every value after it.
 *
 * Version-0 files predate node-type versions. Their positional values are read in the widget order of
 * the node type as registered now and the node is stamped with the type's current version, because
 * that is the order the values were read in: running older node migrations over them would apply
 * changes they already have. (A node type that later reorders its widgets must keep reading version-0
 * files in the order they were written; every type is at its first widget order today.)
 */
import { WORKFLOW_FORMAT } from '../../protocol/index.js';
import type { Issue, WorkflowLink } from '../../protocol/index.js';
import type { NodeRegistry } from '../node-registry.js';
import { namedFromPositional, widgetOrderOf } from '../positional-widgets.js';
import type { FileMigrationOutcome, WorkflowFileMigration } from './file-migration.js';
import { isJsonObject, largestId, readLink, readVec2 } from './litegraph-layout.js';
import type { JsonObject } from './litegraph-layout.js';

/** Where the widget values of a node whose type this app does not know are kept, untouched. */
export const UNMAPPED_WIDGETS_PROPERTY = 'unmapped_widgets_values';

interface Report {
  notes: string[];
  issues: Issue[];
}

function withPositions(node: JsonObject): JsonObject {
  const pos = readVec2(node.pos);
  const size = readVec2(node.size);
  return { ...node, ...(pos ? { pos } : {}), ...(size ? { size } : {}) };
}

function migrateNode(raw: unknown, registry: NodeRegistry, report: Report): unknown {
  // Anything that is not a node object is left for the schema check, which names its position.
  if (!isJsonObject(raw)) return raw;
  const { widgets_values: positional, ...rest } = raw;
  const node = withPositions(rest);
  const properties = isJsonObject(node.properties) ? node.properties : {};
  const definition = typeof node.type === 'string' ? registry.get(node.type) : undefined;
  if (definition === undefined) {
    if (positional === undefined) return node;
    report.notes.push(
      `node ${String(node.id)} has type "${String(node.type)}", which this app does not know; ` +
        `its widget values are kept unnamed in properties.${UNMAPPED_WIDGETS_PROPERTY}`,
    );
    return { ...node, properties: { ...properties, [UNMAPPED_WIDGETS_PROPERTY]: positional } };
  }
  const { schema } = definition;
  const named = namedFromPositional(positional, widgetOrderOf(schema.inputs), { id: String(node.id), type: schema.type });
  if (!named.ok) {
    report.issues.push(named.issue);
    return { ...node, version: schema.version, properties: { ...properties, [UNMAPPED_WIDGETS_PROPERTY]: positional } };
  }
  return { ...node, version: schema.version, widgets: named.widgets, widget_controls: named.widget_controls };
}

function migrateLinks(raw: unknown, report: Report): WorkflowLink[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    report.issues.push({ code: 'invalid_workflow', message: '"links" is not an array; the file is damaged' });
    return [];
  }
  const links: WorkflowLink[] = [];
  raw.forEach((entry, index) => {
    const link = readLink(entry);
    if (link) links.push(link);
    else {
      report.issues.push({
        code: 'invalid_workflow',
        message: `link #${index} is ${JSON.stringify(entry)}, not [id, origin_id, origin_slot, target_id, target_slot, type]; it was dropped`,
        hint: 'Reconnect the nodes it joined.',
      });
    }
  });
  return links;
}

function lastId(saved: unknown, items: readonly unknown[]): number {
  if (Number.isInteger(saved) && (saved as number) >= 0) return saved as number;
  const ids = items.filter(isJsonObject).filter((item): item is { id: number } => Number.isInteger(item.id));
  return largestId(ids);
}

export const workflowV0ToV1: WorkflowFileMigration = {
  from: 0,
  to: 1,
  summary: 'widget values stored by name, links as objects, a version on every node',
  migrate(workflow: JsonObject, registry: NodeRegistry): FileMigrationOutcome {
    const report: Report = { notes: [], issues: [] };
    if (!Array.isArray(workflow.nodes)) {
      report.issues.push({
        code: 'invalid_workflow',
        message: 'the file has no "nodes" array, so it is not a workflow',
        hint: 'Open a workflow saved by ScaleCrafter Studio, litegraph or ComfyUI.',
      });
      return { workflow, ...report };
    }
    const nodes = workflow.nodes.map((node: unknown) => migrateNode(node, registry, report));
    const links = migrateLinks(workflow.links, report);
    return {
      workflow: {
        ...workflow,
        format: WORKFLOW_FORMAT,
        version: 1,
        last_node_id: lastId(workflow.last_node_id, nodes),
        last_link_id: lastId(workflow.last_link_id, links),
        nodes,
        links,
        groups: workflow.groups ?? [],
        extra: workflow.extra ?? {},
      },
      ...report,
    };
  },
};
