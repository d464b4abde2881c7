import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TINY_VOCABULARY_MERGES, generateTinyClipVocabulary } from '../../../app/diffusion/tokenizer/tiny-clip-vocabulary.js';
import { BYTE_LEVEL_ALPHABET } from '../../../app/diffusion/tokenizer/byte-level-alphabet.js';

const vocabulary = generateTinyClipVocabulary();
const tokenOfId = new Map(Object.entries(vocabulary.vocab).map(([token, id]) => [id, token]));
const size = tokenOfId.size;

test('laid out like CLIP: bytes, bytes + </w>, merges in rank order, then BOS and EOS last', () => {
  assert.equal(vocabulary.merges.length, TINY_VOCABULARY_MERGES);
  assert.equal(size, 512 + vocabulary.merges.length + 2);
  BYTE_LEVEL_ALPHABET.forEach(({ character }, i) => {
    assert.equal(vocabulary.vocab[character], i);
    assert.equal(vocabulary.vocab[`${character}</w>`], 256 + i);
  });
  vocabulary.merges.forEach(([left, right], rank) => assert.equal(vocabulary.vocab[left + right], 512 + rank));
  assert.equal(vocabulary.vocab['<|startoftext|>'], size - 2);
  assert.equal(vocabulary.vocab['<|endoftext|>'], size - 1);
  assert.equal(vocabulary.vocab['!'], 0);
  // ids are exactly 0 … size − 1
  assert.deepEqual([...tokenOfId.keys()].sort((a, b) => a - b), Array.from({ length: size }, (_, i) => i));
});

test('every merge joins two tokens that already exist with smaller ids (BPE invariant)', () => {
  vocabulary.merges.forEach(([left, right], rank) => {
    const merged = 512 + rank;
    assert.ok((vocabulary.vocab[left] ?? Infinity) < merged, `left ${left}`);
    assert.ok((vocabulary.vocab[right] ?? Infinity) < merged, `right ${right}`);
    assert.ok(!left.includes('</w>'), 'only the right half can end a word');
  });
});

test('deterministic: generating twice gives the same vocabulary', () => {
  assert.deepEqual(generateTinyClipVocabulary(), vocabulary);
});

test('frequent prompt words of the corpus became whole tokens', () => {
  for (const word of ['a', 'of', 'photo', 'light', 'detailed', 'painting', 'cat']) {
    assert.ok(vocabulary.vocab[`${word}</w>`] !== undefined, word);
  }
});
