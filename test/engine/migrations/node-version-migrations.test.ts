import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { migrateWorkflow } from '../../../app/engine/migrations/migrate-workflow.js';
import { defineNode } from '../../../app/engine/node-definition.js';
import type { NodeMigration } from '../../../app/engine/node-definition.js';
import { NodeRegistry } from '../../../app/engine/node-registry.js';
import { WORKFLOW_FORMAT, formatIssue, workflowSchema } from '../../../app/protocol/index.js';
import type { WidgetValue } from '../../../app/protocol/index.js';

/**
 * A node type's history: version 1 stored `strength` in percent; version 2 stored it as a fraction
 * under the name `scale`; version 3 added `mode`, where "legacy" reproduces what older files did.
 */
const HISTORY: NodeMigration[] = [
  {
    fromVersion: 1,
    migrate: ({ strength, ...rest }) => ({ ...rest, scale: (strength as number) / 100 }),
  },
  {
    fromVersion: 2,
    migrate: (widgets) => ({ ...widgets, mode: 'legacy' }),
  },
];

function guidance(migrations: readonly NodeMigration[] = HISTORY) {
  return defineNode({
    schema: {
      type: 'Guidance',
      displayName: 'Guidance',
      category: 'test',
      description: 'a node type at version 3',
      version: 3,
      outputNode: false,
      idempotent: true,
      inputs: [
        { name: 'model', kind: 'socket', type: 'MODEL' },
        { name: 'scale', kind: 'FLOAT', default: 1, min: 0, max: 4, step: 0.05 },
        { name: 'mode', kind: 'COMBO', options: ['legacy', 'damped'], default: 'damped' },
        { name: 'label', kind: 'STRING', default: '', multiline: false },
      ],
      outputs: [{ name: 'MODEL', type: 'MODEL' }],
    },
    migrations,
    execute: ({ model }) => ({ outputs: [model] }),
  });
}

function workflowWith(version: number, widgets: Record<string, WidgetValue>) {
  return {
    format: WORKFLOW_FORMAT,
    version: 1,
    last_node_id: 7,
    last_link_id: 0,
    nodes: [{ id: 7, type: 'Guidance', version, pos: [0, 0], size: [200, 80], widgets, widget_controls: {}, properties: {} }],
    links: [],
  };
}

function node(result: { workflow: unknown }) {
  const parsed = workflowSchema.parse(result.workflow);
  return parsed.nodes[0]!;
}

describe('node-type migrations', () => {
  const registry = new NodeRegistry([guidance()]);

  test('run in order from the saved version to the registered one', () => {
    const result = migrateWorkflow(workflowWith(1, { strength: 150, label: 'kept' }), registry);
    assert.deepEqual(result.issues, []);
    assert.equal(node(result).version, 3);
    assert.deepEqual(node(result).widgets, { label: 'kept', scale: 1.5, mode: 'legacy' });
    assert.ok(result.notes.includes('node 7 (Guidance) upgraded from version 1 to 3'));
  });

  test('start where the node was saved', () => {
    const result = migrateWorkflow(workflowWith(2, { scale: 0.5, label: '' }), registry);
    assert.deepEqual(node(result).widgets, { scale: 0.5, label: '', mode: 'legacy' });
  });

  test('leave a current node alone', () => {
    const widgets = { scale: 0.5, mode: 'damped', label: 'x' };
    const result = migrateWorkflow(workflowWith(3, widgets), registry);
    assert.deepEqual(result.notes, []);
    assert.deepEqual(node(result).widgets, widgets);
  });

  test('a node saved by a newer version is reported with a hint to update, and left untouched', () => {
    const widgets = { scale: 0.5, mode: 'damped', label: 'x', curve: 'cosine' };
    const result = migrateWorkflow(workflowWith(4, widgets), registry);
    assert.equal(result.issues.length, 1);
    const [issue] = result.issues;
    assert.equal(issue!.nodeId, '7');
    assert.match(formatIssue(issue!), /^node 7 \(Guidance\): was saved by a newer ScaleCrafter Studio: node version 4, .* up to version 3/);
    assert.match(issue!.hint ?? '', /Update ScaleCrafter Studio/);
    assert.equal(node(result).version, 4);
    assert.deepEqual(node(result).widgets, widgets);
  });

  test('a missing step is reported as a bug in the definition', () => {
    const gappy = new NodeRegistry([guidance([HISTORY[1]!])]);
    const result = migrateWorkflow(workflowWith(1, { strength: 150 }), gappy);
    assert.match(result.issues[0]!.message, /no migration from version 1/);
    assert.equal(node(result).version, 1);
  });

  test('a step that throws is reported with its message, and the node left as saved', () => {
    const strict: NodeMigration = {
      fromVersion: 1,
      migrate: ({ strength, ...rest }) => {
        if (typeof strength !== 'number') throw new Error(`strength is ${JSON.stringify(strength)}, not a number`);
        return { ...rest, scale: strength / 100 };
      },
    };
    const result = migrateWorkflow(workflowWith(1, { strength: 'high' }), new NodeRegistry([guidance([strict, HISTORY[1]!])]));
    assert.match(result.issues[0]!.message, /from version 1 to 2 failed: strength is "high"/);
    assert.deepEqual(node(result).widgets, { strength: 'high' });
  });

  test('a step that edits its argument cannot change the file being read', () => {
    const editing: NodeMigration = {
      fromVersion: 1,
      migrate: (widgets) => {
        widgets.scale = 2;
        delete widgets.strength;
        return widgets;
      },
    };
    const file = workflowWith(1, { strength: 150 });
    migrateWorkflow(file, new NodeRegistry([guidance([editing, HISTORY[1]!])]));
    assert.deepEqual(file.nodes[0]!.widgets, { strength: 150 });
  });
});
