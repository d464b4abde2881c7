import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NODE_MODES } from '../../../app/protocol/index.js';
import { directVariant } from '../../../renderer/src/compare/direct-variant.js';
import { schemas, shippedWorkflow } from '../workflow/workflow-file.js';

test('Direct bypasses the active ScaleCrafter nodes (ReDilate, NoiseDampedCFG) and nothing else', () => {
  const workflow = shippedWorkflow('scalecrafter-16x.json');
  const { workflow: direct, bypassed } = directVariant(workflow, schemas);
  assert.deepEqual(bypassed, workflow.nodes.filter((node) => ['ReDilate', 'NoiseDampedCFG'].includes(node.type)).map((node) => node.id));
  for (const [index, node] of direct.nodes.entries()) {
    assert.equal(node.mode, bypassed.includes(node.id) ? NODE_MODES.bypass : workflow.nodes[index]!.mode);
    assert.deepEqual(node.widgets, workflow.nodes[index]!.widgets);
  }
  assert.deepEqual(direct.links, workflow.links);
  // The canvas's graph itself is left as it was.
  assert.ok(workflow.nodes.every((node) => node.mode === NODE_MODES.always));
});

test('a muted ScaleCrafter node stays muted, and a workflow without one has nothing to compare', () => {
  const workflow = shippedWorkflow('scalecrafter-4x.json');
  const muted = { ...workflow, nodes: workflow.nodes.map((node) => (node.type === 'ReDilate' ? { ...node, mode: NODE_MODES.never } : node)) };
  const variant = directVariant(muted, schemas);
  assert.deepEqual(variant.bypassed, []);
  assert.equal(variant.workflow.nodes.find((node) => node.type === 'ReDilate')!.mode, NODE_MODES.never);
  assert.deepEqual(directVariant(shippedWorkflow('default.json'), schemas).bypassed, []);
});
