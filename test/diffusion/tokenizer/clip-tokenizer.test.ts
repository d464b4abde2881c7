import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClipTokenizer, loadClipTokenizer } from '../../../app/diffusion/tokenizer/clip-tokenizer.js';
import { generateTinyClipVocabulary } from '../../../app/diffusion/tokenizer/tiny-clip-vocabulary.js';
import { writeClipTokenizerFolder, type ClipTokenizerFiles } from '../../../app/diffusion/tokenizer/tokenizer-folder.js';
import type { MergePair } from '../../../app/diffusion/tokenizer/bpe-trainer.js';

/** GPT-2 bytes_to_unicode, written out again here for the independent reference below. */
function byteEncoder(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const table = new Array<string>(256);
  printable.forEach((b) => (table[b] = String.fromCharCode(b)));
  let next = 256;
  for (let b = 0; b < 256; b++) if (table[b] === undefined) table[b] = String.fromCharCode(next++);
  return table;
}

/** A vocabulary small enough to tokenize by hand: all byte tokens, the given merges, BOS, EOS. */
function handmadeFiles(merges: MergePair[], pad = '<|endoftext|>'): ClipTokenizerFiles {
  const bytes = byteEncoder();
  const order = [...bytes.slice(33, 127), ...bytes.slice(161, 173), ...bytes.slice(174, 256), ...bytes.slice(0, 33), ...bytes.slice(127, 161), bytes[173] as string];
  const tokens = [...order, ...order.map((c) => `${c}</w>`), ...merges.map(([a, b]) => a + b), '<|startoftext|>', '<|endoftext|>'];
  return {
    vocab: Object.fromEntries(tokens.map((token, id) => [token, id])),
    merges,
    special: { bos: '<|startoftext|>', eos: '<|endoftext|>', unk: '<|endoftext|>', pad },
    modelMaxLength: 77,
    tokenizerConfig: {},
  };
}

describe('CLIP tokenization rules on a hand-checkable vocabulary', () => {
  const tokenizer = ClipTokenizer.fromFiles(handmadeFiles([['c', 'a'], ['ca', 't</w>'], ['a', 'b'], ['b', 'c</w>']]));

  test('merges apply in rank order; "</w>" marks the end of each word', () => {
    assert.deepEqual(tokenizer.tokenize('cat'), ['cat</w>']);
    assert.deepEqual(tokenizer.tokenize('cats'), ['ca', 't', 's</w>']); // no merge makes "t" + "s</w>"
    assert.deepEqual(tokenizer.tokenize('abc'), ['ab', 'c</w>']); // (a b) has rank 2, (b c</w>) rank 3
    const reversed = ClipTokenizer.fromFiles(handmadeFiles([['b', 'c</w>'], ['a', 'b']]));
    assert.deepEqual(reversed.tokenize('abc'), ['a', 'bc</w>']);
  });

  test('lowercasing, whitespace collapsing, punctuation and digit splitting, contractions', () => {
    assert.deepEqual(tokenizer.tokenize('  Cat!\n\t CAT  '), ['cat</w>', '!</w>', 'cat</w>']);
    assert.deepEqual(tokenizer.tokenize('a,b'), ['a</w>', ',</w>', 'b</w>']);
    assert.deepEqual(tokenizer.tokenize('2024'), ['2</w>', '0</w>', '2</w>', '4</w>']);
    assert.deepEqual(tokenizer.tokenize("it's"), ['i', 't</w>', "'", 's</w>']);
    assert.deepEqual(tokenizer.tokenize('é'), ['Ã', '©</w>']);
  });

  test('encode: BOS, tokens, EOS, then padding to 77 ids', () => {
    const encoding = tokenizer.encode('Cat!');
    const { vocab } = handmadeFiles([['c', 'a'], ['ca', 't</w>'], ['a', 'b'], ['b', 'c</w>']]);
    const expectedStart = [vocab['<|startoftext|>'], vocab['cat</w>'], vocab['!</w>'], vocab['<|endoftext|>']];
    assert.equal(encoding.ids.length, 77);
    assert.deepEqual(Array.from(encoding.ids.slice(0, 4)), expectedStart);
    assert.ok(encoding.ids.slice(4).every((id) => id === vocab['<|endoftext|>']));
    assert.equal(encoding.tokenCount, 4);
    assert.equal(encoding.truncated, false);
  });
});

describe('the tiny vocabulary through @huggingface/tokenizers', () => {
  const vocabulary = generateTinyClipVocabulary();
  const withTokenizer = async (pad: string, body: (tokenizer: ClipTokenizer) => void): Promise<void> => {
    const folder = await mkdtemp(join(tmpdir(), 'clip-tokenizer-'));
    try {
      await writeClipTokenizerFolder(folder, vocabulary, { padToken: pad });
      body(await loadClipTokenizer(folder));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  };

  /**
   * openai/CLIP simple_tokenizer.py, transcribed naively: lowercase, collapse whitespace, find
   * CLIP's pattern, byte-encode, then repeatedly merge the lowest-ranked adjacent pair. Like
   * CLIP's pre-seeded BPE cache, the two special tokens map to themselves.
   */
  function naiveClipIds(text: string): number[] {
    const ranks = new Map(vocabulary.merges.map(([a, b], rank) => [`${a}\u0000${b}`, rank]));
    const encoder = byteEncoder();
    const pattern = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/gu;
    const cleaned = text.replace(/\s+/g, ' ').trim().toLowerCase();
    const ids: number[] = [];
    for (const [token] of cleaned.matchAll(pattern)) {
      if (token === '<|startoftext|>' || token === '<|endoftext|>') {
        ids.push(vocabulary.vocab[token] as number);
        continue;
      }
      let word = Array.from(new TextEncoder().encode(token), (b) => encoder[b] as string);
      word[word.length - 1] += '</w>';
      while (word.length > 1) {
        let best = -1;
        let bestRank = Infinity;
        for (let i = 0; i + 1 < word.length; i++) {
          const rank = ranks.get(`${word[i]}\u0000${word[i + 1]}`);
          if (rank !== undefined && rank < bestRank) [best, bestRank] = [i, rank];
        }
        if (best < 0) break;
        const [first, second] = [word[best] as string, word[best + 1] as string];
        const merged: string[] = [];
        for (let i = 0; i < word.length; i++) {
          if (word[i] === first && word[i + 1] === second) {
            merged.push(first + second);
            i++;
          } else {
            merged.push(word[i] as string);
          }
        }
        word = merged;
      }
      for (const piece of word) ids.push(vocabulary.vocab[piece] as number);
    }
    return ids;
  }

  const prompts = [
    'a photo of a cat',
    'A  Photo of a CAT!!',
    "don't stop, it's 2024 and we're here",
    'café crème brûlée, naïve façade',
    '🐱 emoji ✨ sparkle',
    '(masterpiece:1.2), [bad hands], underwater_city',
    'hello\tworld\nnew   line',
    'a highly detailed painting of a mountain landscape at sunset, golden hour, trending on artstation',
    '日本語のテキスト and ελληνικά',
    '1024x1024 <|endoftext|> after',
  ];

  test('agrees with a naive CLIP BPE on varied prompts', () =>
    withTokenizer('<|endoftext|>', (tokenizer) => {
      for (const prompt of prompts) {
        const naive = naiveClipIds(prompt);
        const encoding = tokenizer.encode(prompt);
        assert.deepEqual(Array.from(encoding.ids.slice(1, 1 + naive.length)), naive, prompt);
        assert.equal(encoding.tokenCount, naive.length + 2, prompt);
      }
    }));

  test('pad id per family: <|endoftext|> (SD 1.x, the largest id) or "!" (SD 2.x, id 0)', async () => {
    for (const [pad, padId] of [['<|endoftext|>', vocabulary.vocab['<|endoftext|>']], ['!', 0]] as const) {
      await withTokenizer(pad, (tokenizer) => {
        const encoding = tokenizer.encode('a photo of a cat');
        assert.equal(tokenizer.padId, padId);
        assert.equal(encoding.ids[0], tokenizer.bosId);
        assert.equal(encoding.ids[encoding.tokenCount - 1], tokenizer.eosId);
        assert.ok(encoding.ids.slice(encoding.tokenCount).every((id) => id === padId));
        assert.equal(tokenizer.vocabularySize, Object.keys(vocabulary.vocab).length);
      });
    }
  });

  test('truncation keeps BOS + 75 tokens + EOS and reports what was dropped', () =>
    withTokenizer('!', (tokenizer) => {
      const cat = vocabulary.vocab['cat</w>'] as number;
      const exact = tokenizer.encode(Array(75).fill('cat').join(' '));
      assert.equal(exact.truncated, false);
      assert.equal(exact.tokenCount, 77);
      assert.equal(exact.ids[76], tokenizer.eosId);

      const long = tokenizer.encode(`${Array(75).fill('cat').join(' ')} a photo of dogs`);
      assert.equal(long.ids.length, 77);
      assert.equal(long.ids[0], tokenizer.bosId);
      assert.equal(long.ids[75], cat);
      assert.equal(long.ids[76], tokenizer.eosId);
      assert.equal(long.truncated, true);
      assert.equal(long.droppedTokenCount, naiveClipIds('a photo of dogs').length);
      assert.equal(long.droppedText, 'a photo of dogs');
    }));

  test('an empty prompt is BOS, EOS and padding', () =>
    withTokenizer('<|endoftext|>', (tokenizer) => {
      const encoding = tokenizer.encode('');
      assert.equal(encoding.tokenCount, 2);
      assert.deepEqual(Array.from(encoding.ids.slice(0, 3)), [tokenizer.bosId, tokenizer.eosId, tokenizer.padId]);
    }));
});
