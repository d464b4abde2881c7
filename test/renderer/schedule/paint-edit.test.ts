import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { blankPainted, paintRange, rangeBetween } from '../../../renderer/src/schedule/paint-edit.js';

const CONVS = ['a', 'b', 'c'];

describe('heat-map edits on a painted schedule', () => {
  test('a drag from any corner covers the same rectangle', () => {
    assert.deepEqual(rangeBetween({ conv: 2, step: 1 }, { conv: 0, step: 3 }), { convs: [0, 2], steps: [1, 3] });
  });

  test('a dilation fills exactly the rectangle in the guided pass and leaves the rest plain', () => {
    const painted = paintRange(blankPainted(4), CONVS, 'main', { convs: [1, 2], steps: [1, 2] }, { kind: 'dilation', value: 3 });
    assert.deepEqual(painted.guided, { b: [1, 3, 3, 1], c: [1, 3, 3, 1] });
    const again = paintRange(painted, CONVS, 'main', { convs: [2, 2], steps: [2, 2] }, { kind: 'dilation', value: 1.5 });
    assert.deepEqual(again.guided['c'], [1, 3, 1.5, 1]);
    assert.deepEqual(painted.guided['c'], [1, 3, 3, 1], 'the input is not changed');
  });

  test('painting the ND-CFG pass makes it run at those steps; "no base" turns steps off, and all off is plain CFG', () => {
    const on = paintRange(blankPainted(3), CONVS, 'noiseDampedBase', { convs: [0, 0], steps: [0, 1] }, { kind: 'dilation', value: 2 });
    assert.deepEqual(on.ndcfg, { active: [true, true, false], convs: { a: [2, 2, 1] } });
    const partly = paintRange(on, CONVS, 'noiseDampedBase', { convs: [0, 2], steps: [1, 1] }, { kind: 'pass-off' });
    assert.deepEqual(partly.ndcfg?.active, [true, false, false]);
    assert.equal(paintRange(partly, CONVS, 'noiseDampedBase', { convs: [0, 0], steps: [0, 0] }, { kind: 'pass-off' }).ndcfg, null);
    assert.deepEqual(on.guided, {}, 'the guided pass is untouched');
  });

  test('dispersion toggles on, and off only where the whole rectangle was dispersed', () => {
    const once = paintRange(blankPainted(2), CONVS, 'main', { convs: [0, 1], steps: [0, 0] }, { kind: 'dispersion' });
    assert.deepEqual(once.dispersed, { a: [true, false], b: [true, false] });
    const wider = paintRange(once, CONVS, 'main', { convs: [0, 1], steps: [0, 1] }, { kind: 'dispersion' });
    assert.deepEqual(wider.dispersed, { a: [true, true], b: [true, true] });
    const off = paintRange(wider, CONVS, 'main', { convs: [0, 0], steps: [0, 1] }, { kind: 'dispersion' });
    assert.deepEqual(off.dispersed['a'], [false, false]);
  });
});
