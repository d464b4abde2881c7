import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { executionIdOf, instanceMark, type NodeDecoration } from '../../../renderer/src/canvas/instance-marks.js';

const named = (id: string) => `Inner #${id}`;
const marks = (entries: [string, NodeDecoration][]) => new Map(entries);

describe('execution ids', () => {
  test('a node inside instances is named by their ids and its own, as the engine names it', () => {
    assert.equal(executionIdOf([], 7), '7');
    assert.equal(executionIdOf([12], 3), '12:3');
    assert.equal(executionIdOf([12, '7'], 3), '12:7:3');
  });
});

describe('an instance shows the marks of its inner nodes', () => {
  test('none: no mark; another instance\'s or a node whose id only starts alike do not count', () => {
    assert.equal(instanceMark(marks([['120', { kind: 'running' }], ['13:1', { kind: 'running' }], ['12', { kind: 'done' }]]), '12', named), undefined);
  });

  test('running while any inner node runs, with its steps, even when others failed or are done', () => {
    const mark = instanceMark(marks([['12:1', { kind: 'done', seconds: 1 }], ['12:2', { kind: 'running', value: 3, max: 20 }]]), '12', named);
    assert.deepEqual(mark, { kind: 'running', value: 3, max: 20 });
  });

  test('failed when an inner node failed, naming it before its lines (a nested node by the inner instance it sits in)', () => {
    const mark = instanceMark(
      marks([
        ['12:1', { kind: 'done' }],
        ['12:4', { kind: 'failed', lines: ['⚠ text: empty'] }],
        ['12:7:3', { kind: 'failed', lines: ['⚠ boom', '  hint'] }],
      ]),
      '12',
      named,
    );
    assert.deepEqual(mark, { kind: 'failed', lines: ['Inner #4:', '⚠ text: empty', 'Inner #7:', '⚠ boom', '  hint'] });
  });

  test('done with the inner nodes\' time added up; cached when all were reused', () => {
    assert.deepEqual(instanceMark(marks([['12:1', { kind: 'done', seconds: 1.5 }], ['12:2', { kind: 'cached' }], ['12:3', { kind: 'done', seconds: 2 }]]), '12', named), { kind: 'done', seconds: 3.5 });
    assert.deepEqual(instanceMark(marks([['12:1', { kind: 'done' }], ['12:2', { kind: 'done', seconds: 2 }]]), '12', named), { kind: 'done' });
    assert.deepEqual(instanceMark(marks([['12:1', { kind: 'cached' }], ['12:2', { kind: 'cached' }]]), '12', named), { kind: 'cached' });
  });
});
