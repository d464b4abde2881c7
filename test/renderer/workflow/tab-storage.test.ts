import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadWorkflow } from '../../../app/engine/workflow-load.js';
import { createNodeRegistry } from '../../../nodes/index.js';
import { readTabs, writeTabs } from '../../../renderer/src/workflow/tab-storage.js';
import { defaultWorkflow } from '../../support/default-workflow.js';
import { MemoryStorage } from '../../support/memory-storage.js';

const loaded = loadWorkflow(defaultWorkflow(), createNodeRegistry());
if (!loaded.ok) throw new Error('the default workflow does not load');
const workflow = loaded.workflow;

test('the open tabs are read back as written, the shown one as its empty slot', () => {
  const storage = new MemoryStorage();
  const tabs = { active: 1, tabs: [{ name: 'a', path: '/x/a.json', workflow, savedJson: JSON.stringify(workflow) }, null, { name: 'b', workflow, savedJson: null }] };
  writeTabs(storage, tabs);
  assert.deepEqual(readTabs(storage), tabs);
});

test('a tab that no longer reads as a workflow is dropped; nothing usable reads as null', () => {
  const storage = new MemoryStorage();
  writeTabs(storage, { active: 1, tabs: [{ name: 'broken', workflow: { nodes: 'no' } as never, savedJson: null }, null] });
  assert.deepEqual(readTabs(storage), { active: 0, tabs: [null] });
  storage.setItem('scalecrafter.tabs.v1', '{"tabs":[]}');
  assert.equal(readTabs(storage), null, 'no shown tab');
  storage.setItem('scalecrafter.tabs.v1', '{{');
  assert.equal(readTabs(storage), null);
  assert.equal(readTabs(new MemoryStorage()), null);
});
