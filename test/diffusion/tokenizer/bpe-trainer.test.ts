import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMerge, learnBpeMerges } from '../../../app/diffusion/tokenizer/bpe-trainer.js';

test('learns merges by frequency, ties to the alphabetically first pair (worked by hand)', () => {
  // Words (frequency): hug (10), pug (5), pun (12), bun (4), hugs (5), "</w>" on each last symbol.
  // Round 1 pair counts: p u 17, u n</w> 16, h u 15, u g</w> 15, … → "p u".
  // Round 2: h u 15, pu n</w> 12, u g</w> 10 … → "h u".   Round 3: pu n</w> 12 → merge.
  // Round 4: hu g</w> 10.   Round 5: three pairs at 5 (g s</w>, hu g, pu g</w>) → "g s</w>" sorts first.
  // Round 6: hu gs</w> 5 and pu g</w> 5 → "hu" < "pu".   Round 7: pu g</w>.
  // Round 8: b u 4 and u n</w> 4 → "b" < "u".   Round 9: bu n</w> 4.   Then nothing occurs twice.
  const word = (text: string, frequency: number) => {
    const symbols = Array.from(text);
    symbols[symbols.length - 1] += '</w>';
    return { symbols, frequency };
  };
  const merges = learnBpeMerges([word('hug', 10), word('pug', 5), word('pun', 12), word('bun', 4), word('hugs', 5)], {
    maxMerges: 100,
    minFrequency: 2,
    existingSymbols: new Set(),
  });
  assert.deepEqual(merges, [
    ['p', 'u'],
    ['h', 'u'],
    ['pu', 'n</w>'],
    ['hu', 'g</w>'],
    ['g', 's</w>'],
    ['hu', 'gs</w>'],
    ['pu', 'g</w>'],
    ['b', 'u'],
    ['bu', 'n</w>'],
  ]);
});

test('stops at maxMerges and at minFrequency', () => {
  const words = [{ symbols: ['a', 'b', 'c</w>'], frequency: 3 }, { symbols: ['x', 'y</w>'], frequency: 1 }];
  assert.equal(learnBpeMerges(words, { maxMerges: 1, minFrequency: 1, existingSymbols: new Set() }).length, 1);
  assert.deepEqual(learnBpeMerges(words, { maxMerges: 10, minFrequency: 2, existingSymbols: new Set() }), [['a', 'b'], ['ab', 'c</w>']]);
});

test('never re-creates an existing symbol', () => {
  const merges = learnBpeMerges([{ symbols: ['a', 'b</w>'], frequency: 9 }], { maxMerges: 5, minFrequency: 1, existingSymbols: new Set(['ab</w>']) });
  assert.deepEqual(merges, []);
});

test('applyMerge replaces left-to-right, non-overlapping', () => {
  assert.deepEqual(applyMerge(['a', 'a', 'a', 'b'], ['a', 'a']), ['aa', 'a', 'b']);
});
