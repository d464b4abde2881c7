/**
 * The numpy behaviours diffusers' timesteps depend on. Expected values were checked in a numpy
 * 2.4.6 session (quoted in each test) and follow from numpy's documented rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arange, linspace, roundHalfEven } from '../../../app/diffusion/schedulers/numpy-ranges.js';

test('roundHalfEven rounds ties to the even neighbour like np.round', () => {
  // np.round([0.5, 1.5, 2.5, -1.5, 166.5, 832.5, 499.5]) → [0, 2, 2, -2, 166, 832, 500]
  assert.deepEqual([0.5, 1.5, 2.5, -1.5, 166.5, 832.5, 499.5].map(roundHalfEven), [0, 2, 2, -2, 166, 832, 500]);
  assert.deepEqual([2.4999, 2.5001, -2.6, 7].map(roundHalfEven), [2, 3, -3, 7]);
});

test('linspace includes both ends and spaces evenly', () => {
  // np.linspace(0, 999, 7) → [0, 166.5, 333, 499.5, 666, 832.5, 999]
  assert.deepEqual(linspace(0, 999, 7), [0, 166.5, 333, 499.5, 666, 832.5, 999]);
  assert.deepEqual(linspace(0, 1, 1), [0]);
  assert.deepEqual(linspace(2, 3, 0), []);
});

test('arange reproduces numpy float arange, artefacts included', () => {
  assert.deepEqual(arange(1000, 0, -250), [1000, 750, 500, 250]);
  // len(np.arange(1000, 0, -1000/61)) == 62, the last element −5.684e-13.
  const sixtyOne = arange(1000, 0, -1000 / 61);
  assert.equal(sixtyOne.length, 62);
  assert.ok(Math.abs(sixtyOne[61] as number) < 1e-9);
  // np.arange(1000, 0, -1000/48)[3] is 937.4999999999999 (fill uses d = (start + step) − start),
  // so np.round gives 937, while 1000 + 3·(−1000/48) is exactly 937.5 and would round to 938.
  const fortyEight = arange(1000, 0, -1000 / 48);
  assert.equal(roundHalfEven(fortyEight[3] as number), 937);
  assert.equal(roundHalfEven(1000 + 3 * (-1000 / 48)), 938);
});
