import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateArithmetic, tryEvaluateArithmetic } from '../../../renderer/src/widgets/arithmetic.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

describe('number prompt arithmetic (the eval replacement)', () => {
  test('follows the usual precedence and associativity', () => {
    // Expected values worked by hand, not by the parser.
    const cases: Array<[string, number]> = [
      ['512', 512],
      ['2+3*4', 14],
      ['(2+3)*4', 20],
      ['10-4-3', 3],
      ['64/4/2', 8],
      ['-3*-2', 6],
      ['+.5 + 1.25e1', 13],
      [' 1024 * 1.5 ', 1536],
      ['(((7)))', 7],
    ];
    for (const [text, expected] of cases) assert.equal(evaluateArithmetic(text), expected, text);
  });

  test('refuses anything that is not arithmetic, naming the position', () => {
    assert.throws(() => evaluateArithmetic('alert(1)'), (error: unknown) => error instanceof UserFacingError && /position 1/.test(error.message));
    assert.throws(() => evaluateArithmetic('2 +'), /ends too early/);
    assert.throws(() => evaluateArithmetic('(2'), /never closed/);
    assert.throws(() => evaluateArithmetic('2 3'), /unexpected "3" at position 3/);
    assert.throws(() => evaluateArithmetic(''), /empty/);
    assert.throws(() => evaluateArithmetic('1/0'), /finite/);
    assert.equal(tryEvaluateArithmetic('window.close()'), null);
    assert.equal(tryEvaluateArithmetic('6*7'), 42);
  });
});
