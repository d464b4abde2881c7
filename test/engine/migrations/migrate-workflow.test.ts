import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WORKFLOW_FILE_MIGRATIONS, migrateWorkflow } from '../../../app/engine/migrations/migrate-workflow.js';
import { UNMAPPED_WIDGETS_PROPERTY } from '../../../app/engine/migrations/workflow-v0-to-v1.js';
import { defineNode } from '../../../app/engine/node-definition.js';
import { NodeRegistry } from '../../../app/engine/node-registry.js';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, formatIssue, workflowSchema } from '../../../app/protocol/index.js';
import type { Workflow } from '../../../app/protocol/index.js';

const common = { category: 'test', description: 'migration test node', idempotent: true, outputNode: false } as const;

const modelSource = defineNode({
  schema: {
    ...common,
    type: 'ModelSource',
    displayName: 'Model source',
    version: 1,
    inputs: [{ name: 'model', kind: 'COMBO', options: ['tiny-sd', 'sd15'], default: 'tiny-sd' }],
    outputs: [{ name: 'MODEL', type: 'MODEL' }],
  },
  execute: ({ model }) => ({ outputs: [model] }),
});

/** At version 2, with a migration from 1 that must not run on version-0 files (see workflow-v0-to-v1.ts). */
const patch = defineNode({
  schema: {
    ...common,
    type: 'Patch',
    displayName: 'Patch',
    version: 2,
    inputs: [
      { name: 'model', kind: 'socket', type: 'MODEL' },
      { name: 'seed', kind: 'SEED', default: 0, controlDefault: 'randomize' },
      { name: 'factor', kind: 'FLOAT', default: 2, min: 1, max: 8, step: 0.5 },
      { name: 'progressive', kind: 'BOOLEAN', default: false },
    ],
    outputs: [{ name: 'MODEL', type: 'MODEL' }],
  },
  migrations: [
    {
      fromVersion: 1,
      migrate: () => {
        throw new Error('a version-0 node was migrated as if it were version 1');
      },
    },
  ],
  execute: ({ model }) => ({ outputs: [model] }),
});

const registry = new NodeRegistry([modelSource, patch]);

/** What litegraph's LGraph.serialize() writes for a three-node graph of ours (version 0). */
function litegraphFile(patchValues: unknown[] = [1234, 'increment', 2.5, true]) {
  return {
    last_node_id: 3,
    last_link_id: 2,
    nodes: [
      {
        id: 1,
        type: 'ModelSource',
        pos: [10, 20],
        size: { 0: 200, 1: 60 },
        flags: {},
        order: 0,
        mode: 0,
        outputs: [{ name: 'MODEL', type: 'MODEL', links: [1] }],
        properties: {},
        widgets_values: ['sd15'],
      },
      {
        id: 2,
        type: 'Patch',
        pos: { 0: 300, 1: 20 },
        size: [240, 120],
        flags: {},
        order: 1,
        mode: 4,
        inputs: [{ name: 'model', type: 'MODEL', link: 1 }],
        outputs: [{ name: 'MODEL', type: 'MODEL', links: [2] }],
        properties: {},
        widgets_values: patchValues,
      },
      {
        id: 3,
        type: 'SomePluginNode',
        pos: [600, 20],
        size: [200, 60],
        flags: {},
        order: 2,
        mode: 0,
        inputs: [{ name: 'model', type: 'MODEL', link: 2 }],
        outputs: [],
        properties: { owner: 'plugin' },
        widgets_values: ['a', 3],
      },
    ],
    links: [
      [1, 1, 0, 2, 0, 'MODEL'],
      [2, 2, 0, 3, 0, 'MODEL'],
    ],
    groups: [{ title: 'Patches', bounding: [280, -20, 300, 200], color: '#3f789e', font_size: 24 }],
    config: {},
    extra: { ds: { scale: 1, offset: [0, 0] } },
    version: 0.4,
  };
}

function parsed(workflow: unknown): Workflow {
  const result = workflowSchema.safeParse(workflow);
  assert.ok(result.success, result.success ? '' : JSON.stringify(result.error.issues));
  return result.data;
}

const nodeById = (workflow: Workflow, id: number) => workflow.nodes.find((node) => node.id === id)!;

describe('version 0 (litegraph layout) → version 1', () => {
  test('stores widgets by name, links as objects, a version per node, and passes the workflow schema', () => {
    const { workflow, notes, issues } = migrateWorkflow(litegraphFile(), registry);
    assert.deepEqual(issues, []);
    const result = parsed(workflow);
    assert.equal(result.format, WORKFLOW_FORMAT);
    assert.equal(result.version, 1);
    assert.deepEqual(nodeById(result, 1).widgets, { model: 'sd15' });
    assert.deepEqual(nodeById(result, 2).widgets, { seed: 1234, factor: 2.5, progressive: true });
    assert.deepEqual(nodeById(result, 2).widget_controls, { seed: 'increment' });
    assert.equal(nodeById(result, 1).version, 1);
    // Read in the current widget order, so stamped with the current version and not migrated again.
    assert.equal(nodeById(result, 2).version, 2);
    assert.deepEqual(result.links, [
      { id: 1, origin_id: 1, origin_slot: 0, target_id: 2, target_slot: 0, type: 'MODEL' },
      { id: 2, origin_id: 2, origin_slot: 0, target_id: 3, target_slot: 0, type: 'MODEL' },
    ]);
    assert.ok(notes.some((note) => note.includes('from version 0 to 1')));
  });

  test('keeps layout, modes, groups and extra; reads {"0": x, "1": y} vectors', () => {
    const result = parsed(migrateWorkflow(litegraphFile(), registry).workflow);
    assert.deepEqual(nodeById(result, 1).size, [200, 60]);
    assert.deepEqual(nodeById(result, 2).pos, [300, 20]);
    assert.equal(nodeById(result, 2).mode, 4);
    assert.deepEqual(result.groups, litegraphFile().groups);
    assert.deepEqual(result.extra, litegraphFile().extra);
    assert.equal(result.last_node_id, 3);
    assert.equal(result.last_link_id, 2);
    assert.ok(!('widgets_values' in nodeById(result, 2)));
  });

  test('keeps a node of unknown type with its values unnamed, and says so', () => {
    const { workflow, notes } = migrateWorkflow(litegraphFile(), registry);
    const plugin = nodeById(parsed(workflow), 3);
    assert.equal(plugin.type, 'SomePluginNode');
    assert.deepEqual(plugin.properties, { owner: 'plugin', [UNMAPPED_WIDGETS_PROPERTY]: ['a', 3] });
    assert.deepEqual(plugin.inputs[0], { name: 'model', type: 'MODEL', link: 2 });
    assert.ok(notes.some((note) => note.includes('SomePluginNode')));
  });

  test('a widget count that does not match is an issue on that node, and the values are kept', () => {
    const { workflow, issues } = migrateWorkflow(litegraphFile([1234, 2.5, true]), registry);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.nodeId, '2');
    assert.match(formatIssue(issues[0]!), /^node 2 \(Patch\): widgets_values holds 3 values but the node's widgets take 4/);
    assert.deepEqual(nodeById(parsed(workflow), 2).properties[UNMAPPED_WIDGETS_PROPERTY], [1234, 2.5, true]);
  });

  test('a malformed link is reported and dropped, the others kept', () => {
    const file = { ...litegraphFile(), links: [[1, 1, 0, 2, 0, 'MODEL'], [2, 'two', 0, 3, 0, 'MODEL']] };
    const { workflow, issues } = migrateWorkflow(file, registry);
    assert.equal(parsed(workflow).links.length, 1);
    assert.match(issues[0]!.message, /link #1/);
  });

  test('our format key with version 0 is version 0 too', () => {
    const { workflow, issues } = migrateWorkflow({ ...litegraphFile(), format: WORKFLOW_FORMAT, version: 0 }, registry);
    assert.deepEqual(issues, []);
    assert.deepEqual(nodeById(parsed(workflow), 2).widgets, { seed: 1234, factor: 2.5, progressive: true });
  });
});

describe('file versions', () => {
  test('the file migrations chain from 0 to the current version without gaps', () => {
    let version = 0;
    for (const migration of WORKFLOW_FILE_MIGRATIONS) {
      assert.equal(migration.from, version);
      assert.equal(migration.to, version + 1);
      version = migration.to;
    }
    assert.equal(version, WORKFLOW_VERSION);
  });

  test('a current file passes through without file notes', () => {
    const current = migrateWorkflow(litegraphFile(), registry).workflow;
    const again = migrateWorkflow(current, registry);
    assert.deepEqual(again.issues, []);
    assert.deepEqual(again.notes, []);
    assert.deepEqual(again.workflow, current);
  });

  test('a file from a newer app is refused with a hint to update, not a crash', () => {
    const newer = { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION + 1, nodes: [], links: [] };
    const { workflow, issues } = migrateWorkflow(newer, registry);
    assert.equal(workflow, newer);
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, new RegExp(`version ${WORKFLOW_VERSION + 1}`));
    assert.match(issues[0]!.hint ?? '', /Update ScaleCrafter Studio/);
  });

  test('other formats and non-objects are refused by name', () => {
    assert.match(migrateWorkflow({ format: 'comfy', nodes: [] }, registry).issues[0]!.message, /"comfy"/);
    assert.match(migrateWorkflow([1, 2], registry).issues[0]!.message, /an array/);
    assert.match(migrateWorkflow({ format: WORKFLOW_FORMAT, version: 'one' }, registry).issues[0]!.message, /"one"/);
    assert.match(migrateWorkflow({ last_node_id: 0 }, registry).issues[0]!.message, /no "nodes" array/);
  });
});
