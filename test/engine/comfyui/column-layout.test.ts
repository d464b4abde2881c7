import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateNodeSize, layOutInColumns } from '../../../app/engine/comfyui/column-layout.js';
import type { WorkflowLink, WorkflowNode } from '../../../app/protocol/index.js';

const node = (id: number, widgets: Record<string, number> = {}): WorkflowNode => ({
  id,
  type: 'Anything',
  version: 1,
  pos: [0, 0],
  size: [0, 0],
  mode: 0,
  inputs: [{ name: 'in', type: '*', link: null }],
  outputs: [{ name: 'out', type: '*', links: [] }],
  widgets,
  widget_controls: {},
  properties: {},
});
const link = (id: number, from: number, to: number): WorkflowLink => ({ id, origin_id: from, origin_slot: 0, target_id: to, target_slot: 0, type: '*' });

test('a node goes one column right of its deepest input, not of its shallowest', () => {
  // 1 → 2 → 3 and 1 → 3: node 3's depth is 2, its longest chain.
  const laid = layOutInColumns([node(3), node(1), node(2)], [link(1, 1, 2), link(2, 2, 3), link(3, 1, 3)]);
  const x = Object.fromEntries(laid.map((placed) => [placed.id, placed.pos[0]]));
  assert.ok(x[1]! < x[2]! && x[2]! < x[3]!);
  assert.deepEqual(laid.map((placed) => placed.id), [3, 1, 2], 'the order of the nodes is kept');
});

test('nodes in one column are stacked without overlap', () => {
  const laid = layOutInColumns([node(1, { a: 1, b: 2 }), node(2), node(3)], []);
  const sorted = [...laid].sort((a, b) => a.pos[1] - b.pos[1]);
  for (let index = 1; index < sorted.length; index++) {
    const above = sorted[index - 1]!;
    assert.equal(sorted[index]!.pos[0], above.pos[0]);
    assert.ok(sorted[index]!.pos[1] >= above.pos[1] + above.size[1]);
  }
});

test('nodes on a cycle are placed after the rest instead of looping', () => {
  const laid = layOutInColumns([node(1), node(2), node(3)], [link(1, 1, 2), link(2, 2, 3), link(3, 3, 2)]);
  const x = Object.fromEntries(laid.map((placed) => [placed.id, placed.pos[0]]));
  assert.ok(x[2]! > x[1]! && x[3]! > x[1]!);
});

test('a node with widgets is drawn wider and taller than one without', () => {
  const [plainWidth, plainHeight] = estimateNodeSize(node(1));
  const [width, height] = estimateNodeSize(node(2, { steps: 20, cfg: 7 }));
  assert.ok(width > plainWidth && height > plainHeight);
});
