import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitTransform, toGraph, toMinimap, unionOf } from '../../../renderer/src/view/minimap-geometry.js';

test('the union of boxes spans them all; none gives null', () => {
  assert.deepEqual(unionOf([{ left: 0, top: 10, width: 100, height: 20 }, { left: -50, top: 0, width: 10, height: 100 }]), { left: -50, top: 0, width: 150, height: 100 });
  assert.equal(unionOf([]), null);
});

test('content is scaled to fit inside the margin and centred', () => {
  // 1000 × 250 graph units into 220 × 150 with an 8 px margin: the width decides, 204 / 1000.
  const content = { left: -200, top: 100, width: 1000, height: 250 };
  const transform = fitTransform(content, { width: 220, height: 150 }, 8);
  assert.equal(transform.scale, 0.204);
  const drawn = toMinimap(transform, content);
  assert.ok(Math.abs(drawn.left - 8) < 1e-9 && Math.abs(drawn.left + drawn.width - 212) < 1e-9, 'touches both side margins');
  assert.ok(Math.abs(drawn.top + drawn.height / 2 - 75) < 1e-9, 'centred vertically');
});

test('a minimap pixel maps back to the graph point drawn there', () => {
  const transform = fitTransform({ left: 30, top: -40, width: 300, height: 600 }, { width: 220, height: 150 }, 8);
  const point = { left: 123, top: 45, width: 0, height: 0 };
  const drawn = toMinimap(transform, point);
  const [x, y] = toGraph(transform, drawn.left, drawn.top);
  assert.ok(Math.abs(x - 123) < 1e-9 && Math.abs(y - 45) < 1e-9);
});
