import assert from 'node:assert/strict';
import { test } from 'node:test';
import { placePreview, PREVIEW_GAP } from '../../../renderer/src/canvas/preview-placement.js';

const node = { x: 100, y: 100, w: 200, h: 150 };
const preview = { w: 120, h: 120 };

test('the preview goes right of its node when nothing is there', () => {
  assert.deepEqual(placePreview(node, preview, [{ x: 0, y: 400, w: 50, h: 50 }]), { x: 300 + PREVIEW_GAP, y: 100, ...preview });
});

test('a node on the right sends it below, then left, then above', () => {
  const right = { x: 320, y: 90, w: 200, h: 200 };
  const below = { x: 100, y: 260, w: 200, h: 200 };
  const left = { x: -100, y: 100, w: 180, h: 150 };
  assert.deepEqual(placePreview(node, preview, [right]), { x: 100, y: 250 + PREVIEW_GAP, ...preview });
  assert.deepEqual(placePreview(node, preview, [right, below]), { x: 100 - PREVIEW_GAP - 120, y: 100, ...preview });
  assert.deepEqual(placePreview(node, preview, [right, below, left]), { x: 100, y: 100 - PREVIEW_GAP - 120, ...preview });
});

test('surrounded, it takes the side where it covers least', () => {
  const others = [
    { x: 310, y: 100, w: 200, h: 200 },
    { x: 100, y: 262, w: 40, h: 40 },
    { x: -200, y: 100, w: 300, h: 300 },
    { x: 100, y: -100, w: 300, h: 190 },
  ];
  // Below: only the 40 × 40 node, partly.
  assert.deepEqual(placePreview(node, preview, others), { x: 100, y: 250 + PREVIEW_GAP, ...preview });
});
