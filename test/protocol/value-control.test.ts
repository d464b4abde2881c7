import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CONTROL_LIMIT, MAX_SEED, nextControlledValue } from '../../app/protocol/index.js';

const SEED_RANGE = { min: 0, max: MAX_SEED, step: 1 };

describe('a value control after queueing (ComfyUI_frontend valueControl.ts)', () => {
  test('fixed keeps; increment and decrement step by the widget\'s step and stop at its ends', () => {
    assert.equal(nextControlledValue(42, 'fixed', SEED_RANGE), 42);
    assert.equal(nextControlledValue(42, 'increment', SEED_RANGE), 43);
    assert.equal(nextControlledValue(42, 'decrement', SEED_RANGE), 41);
    assert.equal(nextControlledValue(0, 'decrement', SEED_RANGE), 0);
    assert.equal(nextControlledValue(64, 'increment', { min: 16, max: 72, step: 8 }), 72);
    assert.equal(nextControlledValue(72, 'increment', { min: 16, max: 72, step: 8 }), 72);
    assert.equal(nextControlledValue(0.5, 'increment', { min: 0, max: 1, step: 0.25 }), 0.75);
  });

  test('the range is cut to ±2^50 as in ComfyUI, a seed\'s too', () => {
    assert.equal(nextControlledValue(CONTROL_LIMIT, 'increment', SEED_RANGE), CONTROL_LIMIT);
    assert.equal(nextControlledValue(-CONTROL_LIMIT, 'decrement', { min: Number.MIN_SAFE_INTEGER, max: 0, step: 1 }), -CONTROL_LIMIT);
  });

  test('randomize is floor(random · (max − min) / step) · step + min', () => {
    assert.equal(nextControlledValue(7, 'randomize', SEED_RANGE, () => 0), 0);
    assert.equal(nextControlledValue(7, 'randomize', SEED_RANGE, () => 0.5), 2 ** 49);
    assert.equal(nextControlledValue(7, 'randomize', { min: 16, max: 72, step: 8 }, () => 0.5), 16 + 3 * 8);
    assert.equal(nextControlledValue(7, 'randomize', { min: -10, max: 10, step: 1 }, () => 0.999), 9);
  });
});
