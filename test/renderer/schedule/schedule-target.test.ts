import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { loadWorkflow } from '../../../app/engine/workflow-load.js';
import type { Workflow } from '../../../app/protocol/index.js';
import { createNodeRegistry } from '../../../nodes/index.js';
import { opensEditor } from '../../../app/protocol/index.js';
import { scheduleReadNode } from '../../../renderer/src/schedule/schedule-target.js';

const registry = createNodeRegistry();
const outputsModel = (type: string) => registry.get(type)?.schema.outputs[0]?.type === 'MODEL';

function workflowFile(name: string): Workflow {
  const result = loadWorkflow(JSON.parse(readFileSync(new URL(`../../../workflows/${name}`, import.meta.url), 'utf8')), registry);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.workflow;
}

describe('where the schedule editor reads the table', () => {
  // scalecrafter-16x: LoadCheckpoint(1) → ReDilate(8) → NoiseDampedCFG(9) → Sampler(5).
  const workflow = workflowFile('scalecrafter-16x.json');

  test('the ScaleCrafter patch nodes, and only they, open the schedule editor (PaintedSchedule to paint it); each is MODEL → MODEL', () => {
    const opening = registry.schemas().filter((schema) => opensEditor(schema, 'dilation-schedule'));
    assert.deepEqual(opening.map((schema) => schema.type).sort(), ['DisperseConv', 'NoiseDampedCFG', 'ReDilate', 'ScaleCrafterPreset']);
    const painted = registry.schemas().filter((schema) => opensEditor(schema, 'painted-schedule'));
    assert.deepEqual(painted.map((schema) => schema.type), ['PaintedSchedule']);
    for (const schema of [...opening, ...painted]) {
      assert.equal(schema.outputs[0]?.type, 'MODEL');
      assert.ok(schema.inputs.some((input) => input.kind === 'socket' && input.type === 'MODEL'));
    }
  });

  test('a patch early in the chain is read where the chain meets the Sampler', () => {
    assert.equal(scheduleReadNode(workflow, '8', outputsModel), '9');
    assert.equal(scheduleReadNode(workflow, '9', outputsModel), '9');
  });

  test('a muted or bypassed patch node ends the walk (it patches nothing)', () => {
    for (const mode of [2, 4] as const) {
      const muted: Workflow = { ...workflow, nodes: workflow.nodes.map((node) => (node.id === 9 ? { ...node, mode } : node)) };
      assert.equal(scheduleReadNode(muted, '8', outputsModel), '8');
    }
  });

  test('a cycle of MODEL links cannot loop the walk forever', () => {
    const cyclic: Workflow = { ...workflow, links: [...workflow.links, { id: 99, origin_id: 9, origin_slot: 0, target_id: 8, target_slot: 0, type: 'MODEL' }] };
    assert.equal(scheduleReadNode(cyclic, '8', outputsModel), '9');
  });
});
