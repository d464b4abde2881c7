import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_SEED } from '../../../app/protocol/index.js';
import { seedAfterQueue } from '../../../renderer/src/widgets/seed-control.js';

describe('seed control after queueing', () => {
  test('fixed keeps, increment and decrement step and stop at the ends', () => {
    assert.equal(seedAfterQueue(42, 'fixed'), 42);
    assert.equal(seedAfterQueue(42, 'increment'), 43);
    assert.equal(seedAfterQueue(42, 'decrement'), 41);
    assert.equal(seedAfterQueue(MAX_SEED, 'increment'), MAX_SEED);
    assert.equal(seedAfterQueue(0, 'decrement'), 0);
  });

  test('randomize draws an integer in [0, MAX_SEED] and spans the range', () => {
    const values = [0, 0.25, 0.5, 0.999999];
    let index = 0;
    const random = () => values[index++ % values.length]!;
    const seeds = Array.from({ length: 4 }, () => seedAfterQueue(7, 'randomize', random));
    for (const seed of seeds) {
      assert.ok(Number.isSafeInteger(seed) && seed >= 0 && seed <= MAX_SEED, String(seed));
    }
    // high half from 0.5 → 2^20 · 2^32 = 2^52; low half from 0.999999 → just under 2^32.
    assert.equal(seeds[1], 2 ** 52 + Math.floor(0.999999 * 2 ** 32));
    assert.ok(Math.max(...seeds) > 2 ** 52, 'large seeds are reachable');
  });
});
