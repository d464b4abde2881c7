/**
 * The tiny default model's CLIP-style vocabulary, laid out exactly as OpenAI's CLIP builds its
 * own (simple_tokenizer.py): the 256 byte-level characters, the same 256 with "</w>", one entry per
 * merge in rank order, then <|startoftext|> and <|endoftext|> as the last two ids (so the EOS id is
 * the largest, which is what CLIP's pooled output relies on: it reads the position of argmax(id)).
 * The merges are learned from TINY_VOCABULARY_CORPUS, so the result never changes between runs.
 */
import { BYTE_LEVEL_ALPHABET, toByteLevel } from './byte-level-alphabet.js';
import { learnBpeMerges, type MergePair } from './bpe-trainer.js';
import { TINY_VOCABULARY_CORPUS } from './tiny-vocabulary-corpus.js';
import { CLIP_BOS_TOKEN, CLIP_EOS_TOKEN, CLIP_END_OF_WORD, CLIP_WORD_PATTERN } from './clip-tokenizer-json.js';

export interface ClipVocabulary {
  /** token → id */
  readonly vocab: Readonly<Record<string, number>>;
  /** merges in rank order (rank 0 applied first) */
  readonly merges: readonly MergePair[];
}

/** Merges learned for the tiny vocabulary (fewer if the corpus runs out of pairs seen twice). */
export const TINY_VOCABULARY_MERGES = 400;

export function generateTinyClipVocabulary(): ClipVocabulary {
  const baseSymbols = BYTE_LEVEL_ALPHABET.map(({ character }) => character);
  const endOfWordSymbols = baseSymbols.map((symbol) => symbol + CLIP_END_OF_WORD);
  const merges = learnBpeMerges(corpusWords(TINY_VOCABULARY_CORPUS), {
    maxMerges: TINY_VOCABULARY_MERGES,
    minFrequency: 2,
    existingSymbols: new Set([...baseSymbols, ...endOfWordSymbols]),
  });
  const tokens = [...baseSymbols, ...endOfWordSymbols, ...merges.map(([left, right]) => left + right), CLIP_BOS_TOKEN, CLIP_EOS_TOKEN];
  return { vocab: Object.fromEntries(tokens.map((token, id) => [token, id])), merges };
}

/**
 * Word frequencies as CLIP's tokenizer sees them: lowercased, whitespace-collapsed, split by CLIP's
 * pattern, spelled in the byte-level alphabet with "</w>" on the last symbol.
 */
function corpusWords(corpus: string): Array<{ symbols: string[]; frequency: number }> {
  const counts = new Map<string, number>();
  const normalized = corpus.normalize('NFC').replace(/\s+/gu, ' ').toLowerCase();
  for (const match of normalized.matchAll(new RegExp(CLIP_WORD_PATTERN, 'gu'))) {
    const word = toByteLevel(match[0]);
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  // Sorted so the word order (and hence nothing downstream) depends on Map insertion history.
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([word, frequency]) => {
      const symbols = Array.from(word);
      symbols[symbols.length - 1] += CLIP_END_OF_WORD;
      return { symbols, frequency };
    });
}
