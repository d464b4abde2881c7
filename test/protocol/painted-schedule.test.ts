import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compressRuns, expandRuns, formatPaintedSchedule, paintedFromTable, parsePaintedSchedule } from '../../app/protocol/painted-schedule.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

describe('the painted schedule text', () => {
  test('run-length rows expand to one value per step and compress back', () => {
    assert.deepEqual(expandRuns('2*3 1.5 1*2', 6, 'row'), [2, 2, 2, 1.5, 1, 1]);
    assert.equal(compressRuns([2, 2, 2, 1.5, 1, 1]), '2*3 1.5 1*2');
    assert.throws(() => expandRuns('2*3', 4, 'guided.x'), (error) => error instanceof UserFacingError && /guided\.x covers 3 steps, not the schedule's 4/.test(error.message));
    assert.throws(() => expandRuns('2x3', 3, 'guided.x'), /"2x3" is not value\*count/);
  });

  test('a table read as a painted schedule formats to text that parses back to the same cells', () => {
    const table = {
      steps: 3,
      convs: ['a.conv', 'b.conv'],
      main: [[2, 1], [2, 1], [1, 1]],
      noiseDampedBase: [[1.5, 1], null, null],
      dispersed: [[false, true], [false, false], [false, false]],
    };
    const painted = paintedFromTable(table);
    const text = formatPaintedSchedule(painted);
    assert.equal(text, '{"steps":3,"guided":{"a.conv":"2*2 1"},"ndcfg":{"active":"1 0*2","convs":{"a.conv":"1.5 1*2"}},"dispersed":{"b.conv":"1 0*2"}}');
    const parsed = parsePaintedSchedule(text)!;
    assert.deepEqual(parsed.guided, { 'a.conv': [2, 2, 1] });
    assert.deepEqual(parsed.ndcfg, { active: [true, false, false], convs: { 'a.conv': [1.5, 1, 1] } });
    assert.deepEqual(parsed.dispersed, { 'b.conv': [true, false, false] });
  });

  test('empty text paints nothing; bad JSON, steps, dilations and flags are refused by key', () => {
    assert.equal(parsePaintedSchedule('  '), null);
    assert.throws(() => parsePaintedSchedule('{'), /is not JSON/);
    assert.throws(() => parsePaintedSchedule('{"steps":0}'), /"steps" must be an integer/);
    assert.throws(() => parsePaintedSchedule('{"steps":2,"guided":{"a":"0.5*2"}}'), /guided\.a: dilation 0\.5 is below 1/);
    assert.throws(() => parsePaintedSchedule('{"steps":2,"dispersed":{"a":"2*2"}}'), /dispersed\.a: flags are 0 or 1/);
  });
});
