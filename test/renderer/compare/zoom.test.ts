import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitted, fullSize, MAX_SCALE, panned, zoomedAt } from '../../../renderer/src/compare/zoom.js';

test('fit enlarges a small image to the pane and shrinks a large one, by its limiting side', () => {
  assert.deepEqual(fitted({ width: 64, height: 32 }, { width: 640, height: 480 }), { scale: 10, x: 0, y: 0 });
  assert.deepEqual(fitted({ width: 2048, height: 1024 }, { width: 512, height: 512 }), { scale: 0.25, x: 0, y: 0 });
  assert.deepEqual(fitted({ width: 0, height: 0 }, { width: 512, height: 512 }), fullSize());
});

test('zooming about a point keeps the image pixel under it in place', () => {
  const start = { scale: 2, x: 10, y: -6 };
  const pointer = { x: 50, y: 30 };
  // The image pixel under the pointer, in image coordinates relative to the image centre.
  const under = (state: typeof start) => ({ u: (pointer.x - state.x) / state.scale, v: (pointer.y - state.y) / state.scale });
  const zoomed = zoomedAt(start, 1.25, pointer);
  assert.equal(zoomed.scale, 2.5);
  assert.ok(Math.abs(under(zoomed).u - under(start).u) < 1e-12);
  assert.ok(Math.abs(under(zoomed).v - under(start).v) < 1e-12);
});

test('zoom is bounded and panning moves the centre', () => {
  assert.equal(zoomedAt({ scale: MAX_SCALE, x: 0, y: 0 }, 4).scale, MAX_SCALE);
  assert.deepEqual(panned({ scale: 3, x: 1, y: 2 }, 5, -7), { scale: 3, x: 6, y: -5 });
});
