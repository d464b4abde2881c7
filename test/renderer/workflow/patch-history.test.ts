import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PatchHistory, reconcile } from '../../../renderer/src/workflow/patch-history.js';

interface Doc {
  nodes: Array<{ id: number; pos: [number, number]; widgets: Record<string, number | string> }>;
  title?: string;
}

const doc = (): Doc => ({ nodes: [{ id: 1, pos: [0, 0], widgets: { steps: 20 } }, { id: 2, pos: [100, 0], widgets: { text: 'apple' } }] });

describe('undo history on immer patches', () => {
  test('undo and redo walk back and forth through committed states', () => {
    const history = new PatchHistory(doc());
    const moved = doc();
    moved.nodes[0]!.pos = [40, 10];
    assert.equal(history.commit(moved), true);
    const edited = structuredClone(moved);
    edited.nodes[1]!.widgets.text = 'pear';
    edited.title = 'fruit';
    assert.equal(history.commit(edited), true);
    assert.deepEqual(history.undo(), moved);
    assert.deepEqual(history.undo(), doc());
    assert.equal(history.undo(), null);
    assert.deepEqual(history.redo(), moved);
    assert.deepEqual(history.redo(), edited);
    assert.equal(history.redo(), null);
  });

  test('a step stores only what changed, and committing an equal state records nothing', () => {
    const history = new PatchHistory(doc());
    assert.equal(history.commit(doc()), false);
    assert.equal(history.canUndo, false);
    const before = history.present;
    const next = doc();
    next.nodes[0]!.widgets.steps = 21;
    history.commit(next);
    // Structural sharing: the untouched node is the very same object, so only one patch was needed.
    assert.equal(history.present.nodes[1], before.nodes[1]);
    assert.notEqual(history.present.nodes[0], before.nodes[0]);
  });

  test('a new edit after undo drops the redo branch; reset forgets everything', () => {
    const history = new PatchHistory(doc());
    const a = doc();
    a.nodes.pop();
    history.commit(a);
    history.undo();
    const b = doc();
    b.nodes.push({ id: 3, pos: [5, 5], widgets: {} });
    history.commit(b);
    assert.equal(history.canRedo, false);
    assert.deepEqual(history.undo(), doc());
    history.reset(a);
    assert.equal(history.canUndo, false);
    assert.deepEqual(history.present, a);
  });

  test('the history is bounded', () => {
    const history = new PatchHistory(doc(), 3);
    for (let steps = 21; steps <= 26; steps++) {
      const next = doc();
      next.nodes[0]!.widgets.steps = steps;
      history.commit(next);
    }
    let undone = 0;
    while (history.undo()) undone++;
    assert.equal(undone, 3);
    assert.equal(history.present.nodes[0]!.widgets.steps, 23);
  });

  test('reconcile makes a plain object deep-equal to the target, arrays shrinking and growing', () => {
    const target = { a: [1, 2], b: { c: 'x' }, d: null };
    const draft: Record<string, unknown> = { a: [1, 2, 3], b: { c: 'y', e: 1 }, f: true };
    reconcile(draft, target);
    assert.deepEqual(draft, target);
  });
});
