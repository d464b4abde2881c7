/**
 * A `tokenizer.json` (HF tokenizers format) for a CLIP BPE vocabulary, built from the files a
 * diffusers folder ships (vocab.json + merges.txt + special tokens), with the pipeline of the
 * hub's openai/clip-vit-large-patch14 tokenizer.json:
 *   normalizer    NFC → collapse whitespace runs to " " → lowercase
 *   pre-tokenizer split by CLIP's word pattern (matches kept, the rest dropped) → ByteLevel
 *   model         BPE, end_of_word_suffix "</w>", unk = <|endoftext|>
 *   post-process  <|startoftext|> A <|endoftext|>
 * The hub file uses RobertaProcessing for the last stage; TemplateProcessing gives the same ids
 * for a single prompt and states the template explicitly.
 */
import type { MergePair } from './bpe-trainer.js';

export const CLIP_BOS_TOKEN = '<|startoftext|>';
export const CLIP_EOS_TOKEN = '<|endoftext|>';
export const CLIP_END_OF_WORD = '</w>';
/**
 * openai/CLIP simple_tokenizer.py's pattern: contractions, letter runs, single digits, and runs of
 * anything else that is not whitespace (so "hello,world!!" → hello | , | world | !!).
 */
export const CLIP_WORD_PATTERN = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

export interface ClipSpecialTokens {
  readonly bos: string;
  readonly eos: string;
  readonly unk: string;
  readonly pad: string;
}

export function buildClipTokenizerJson(
  vocab: Readonly<Record<string, number>>,
  merges: readonly MergePair[],
  special: ClipSpecialTokens,
): Record<string, unknown> {
  const idOf = (token: string): number => {
    const id = vocab[token];
    if (id === undefined) throw new Error(`special token ${JSON.stringify(token)} is missing from vocab.json`);
    return id;
  };
  const bosId = idOf(special.bos);
  const eosId = idOf(special.eos);
  const specialToken = (content: string, id: number) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true });
  const templateToken = (content: string) => ({ SpecialToken: { id: content, type_id: 0 } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [specialToken(special.bos, bosId), specialToken(special.eos, eosId)],
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: CLIP_WORD_PATTERN }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: 'TemplateProcessing',
      single: [templateToken(special.bos), { Sequence: { id: 'A', type_id: 0 } }, templateToken(special.eos)],
      pair: [templateToken(special.bos), { Sequence: { id: 'A', type_id: 0 } }, templateToken(special.eos), { Sequence: { id: 'B', type_id: 0 } }, templateToken(special.eos)],
      special_tokens: {
        [special.bos]: { id: special.bos, ids: [bosId], tokens: [special.bos] },
        [special.eos]: { id: special.eos, ids: [eosId], tokens: [special.eos] },
      },
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: special.unk,
      continuing_subword_prefix: '',
      end_of_word_suffix: CLIP_END_OF_WORD,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: merges.map(([left, right]) => [left, right]),
    },
  };
}
