/**
 * OpenAI CLIP's BPE vocabulary, the one every Stable Diffusion text encoder was trained with
 * (49408 ids), built from the merges file CLIP publishes (assets/clip-bpe/, MIT licence, from
 * github.com/openai/CLIP clip/bpe_simple_vocab_16e6.txt.gz) exactly as CLIP's simple_tokenizer.py
 * builds it: the 256 byte-level characters, the same with "</w>", one token per merge for the first
 * 49152 − 256 − 2 merges, then <|startoftext|> and <|endoftext|>. Single-file checkpoints carry no
 * tokenizer; the import writes this one (the OpenCLIP variant differs only in its pad token).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { MergePair } from './bpe-trainer.js';
import { BYTE_LEVEL_ALPHABET } from './byte-level-alphabet.js';
import { CLIP_BOS_TOKEN, CLIP_END_OF_WORD, CLIP_EOS_TOKEN } from './clip-tokenizer-json.js';
import type { ClipVocabulary } from './tiny-clip-vocabulary.js';

export const CLIP_VOCABULARY_SIZE = 49408;
const MERGE_COUNT = 49152 - 256 - 2;

/** assets/clip-bpe/bpe_simple_vocab_16e6.txt.gz of this checkout or package (source or dist/ build alike). */
export function clipBpeMergesFile(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'assets', 'clip-bpe', 'bpe_simple_vocab_16e6.txt.gz');
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}: cannot locate assets/clip-bpe`);
  }
}

/** The vocabulary from the text of the merges file ("#version…" line, then "left right" per line). */
export function clipVocabularyFromMerges(text: string): ClipVocabulary {
  const lines = text.split('\n').slice(1, MERGE_COUNT + 1);
  if (lines.length !== MERGE_COUNT) throw new Error(`the CLIP merges file has ${lines.length} merges, ${MERGE_COUNT} expected`);
  const merges: MergePair[] = lines.map((line) => {
    const [left, right] = line.split(' ');
    if (left === undefined || right === undefined) throw new Error(`bad CLIP merge line ${JSON.stringify(line)}`);
    return [left, right];
  });
  const tokens = [
    ...BYTE_LEVEL_ALPHABET.map(({ character }) => character),
    ...BYTE_LEVEL_ALPHABET.map(({ character }) => character + CLIP_END_OF_WORD),
    ...merges.map(([left, right]) => left + right),
    CLIP_BOS_TOKEN,
    CLIP_EOS_TOKEN,
  ];
  const vocab: Record<string, number> = {};
  tokens.forEach((token, id) => {
    vocab[token] = id;
  });
  return { vocab, merges };
}

export async function loadClipBpeVocabulary(file: string = clipBpeMergesFile()): Promise<ClipVocabulary> {
  return clipVocabularyFromMerges(gunzipSync(await readFile(file)).toString('utf8'));
}
