/**
 * CLIP prompt encoding for the SD text encoders, through @huggingface/tokenizers: always exactly
 * `model_max_length` (77) ids — <|startoftext|>, up to 75 prompt tokens, <|endoftext|>, then the
 * folder's pad token — as diffusers calls the tokenizer (padding="max_length", truncation=True).
 * A longer prompt is cut after its 75th token and the cut is reported (diffusers only logs it).
 *
 * Matches HF's fast CLIP tokenizer (the tokenizer.json pipeline). The slow CLIPTokenizer that
 * diffusers loads by default also runs ftfy/HTML unescaping or BERT-style cleanup first; for
 * ordinary prompts both give the same ids.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { buildClipTokenizerJson } from './clip-tokenizer-json.js';
import { readClipTokenizerFolder, type ClipTokenizerFiles } from './tokenizer-folder.js';

export interface ClipEncoding {
  /** Exactly contextLength ids: BOS, prompt tokens, EOS, padding. */
  readonly ids: Int32Array;
  /** Ids before padding (BOS … EOS inclusive); the EOS sits at tokenCount − 1. */
  readonly tokenCount: number;
  /** True when the prompt had more than contextLength − 2 tokens. */
  readonly truncated: boolean;
  /** Prompt tokens cut off (0 when not truncated). */
  readonly droppedTokenCount: number;
  /** The cut-off part of the prompt, decoded ("" when not truncated). */
  readonly droppedText: string;
}

export class ClipTokenizer {
  readonly contextLength: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  /** Largest id + 1: the text encoder's embedding table must have this many rows. */
  readonly vocabularySize: number;
  private readonly tokenizer: Tokenizer;

  private constructor(files: ClipTokenizerFiles) {
    const json = buildClipTokenizerJson(files.vocab, files.merges, files.special);
    this.tokenizer = new Tokenizer(json, { ...files.tokenizerConfig });
    this.contextLength = files.modelMaxLength;
    this.bosId = files.vocab[files.special.bos] as number;
    this.eosId = files.vocab[files.special.eos] as number;
    this.padId = files.vocab[files.special.pad] as number;
    this.vocabularySize = Math.max(...Object.values(files.vocab)) + 1;
  }

  static fromFiles(files: ClipTokenizerFiles): ClipTokenizer {
    return new ClipTokenizer(files);
  }

  /** Prompt tokens (byte-level strings, "</w>" on word ends), without BOS/EOS and uncut. */
  tokenize(prompt: string): string[] {
    return this.tokenizer.tokenize(prompt, { add_special_tokens: false });
  }

  encode(prompt: string): ClipEncoding {
    const promptIds = this.tokenizer.encode(prompt, { add_special_tokens: false }).ids;
    const room = this.contextLength - 2;
    const kept = promptIds.slice(0, room);
    const dropped = promptIds.slice(room);
    const ids = new Int32Array(this.contextLength).fill(this.padId);
    ids[0] = this.bosId;
    ids.set(kept, 1);
    ids[kept.length + 1] = this.eosId;
    return {
      ids,
      tokenCount: kept.length + 2,
      truncated: dropped.length > 0,
      droppedTokenCount: dropped.length,
      droppedText: dropped.length > 0 ? this.decode(dropped) : '',
    };
  }

  /** Text of `ids`, special tokens left out. */
  decode(ids: readonly number[] | Int32Array): string {
    const list = Array.from(ids).filter((id) => id !== this.bosId && id !== this.eosId);
    if (list.length === 0) return '';
    return this.tokenizer.decode(list, { skip_special_tokens: true, clean_up_tokenization_spaces: false }).trim();
  }
}

/** Load a diffusers `tokenizer/` (or `tokenizer_2/`) folder. */
export async function loadClipTokenizer(folder: string): Promise<ClipTokenizer> {
  return ClipTokenizer.fromFiles(await readClipTokenizerFolder(folder));
}
