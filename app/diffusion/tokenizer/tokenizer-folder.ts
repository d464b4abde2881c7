/**
 * The `tokenizer/` folder of a diffusers pipeline, in the byte-exact format transformers'
 * CLIPTokenizer.save_pretrained writes: vocab.json (keys sorted, indent 2, non-ASCII kept),
 * merges.txt ("#version: 0.2" then one "left right" per line), tokenizer_config.json and
 * special_tokens_map.json (keys sorted, indent 2). The pad token is what differs between model
 * families: "<|endoftext|>" (id 49407) for SD 1.x and SDXL's `tokenizer`, "!" (id 0) for SD 2.x and
 * SDXL's `tokenizer_2`.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MergePair } from './bpe-trainer.js';
import { CLIP_BOS_TOKEN, CLIP_EOS_TOKEN, type ClipSpecialTokens } from './clip-tokenizer-json.js';
import type { ClipVocabulary } from './tiny-clip-vocabulary.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

export const CLIP_CONTEXT_LENGTH = 77;

export interface ClipTokenizerFiles {
  readonly vocab: Readonly<Record<string, number>>;
  readonly merges: readonly MergePair[];
  readonly special: ClipSpecialTokens;
  /** tokenizer_config.json `model_max_length` (77 for every SD text encoder). */
  readonly modelMaxLength: number;
  /** tokenizer_config.json as read (empty when written by us before reading). */
  readonly tokenizerConfig: Readonly<Record<string, unknown>>;
}

/** A tokenizer file this project cannot read or write; the field is the file's name. */
function tokenizerFolderError(file: string, problem: string, hint: string): UserFacingError {
  return new UserFacingError(`${file}: ${problem}`, { field: file, hint });
}

/** Write vocab.json, merges.txt, tokenizer_config.json and special_tokens_map.json into `folder`. */
export async function writeClipTokenizerFolder(
  folder: string,
  vocabulary: ClipVocabulary,
  options: { readonly padToken: string; readonly modelMaxLength?: number },
): Promise<void> {
  if (vocabulary.vocab[options.padToken] === undefined) {
    throw tokenizerFolderError('vocab.json', `pad token ${JSON.stringify(options.padToken)} is not in the vocabulary`, 'Use "<|endoftext|>" (SD 1.x style) or "!" (SD 2.x style)');
  }
  const special: ClipSpecialTokens = { bos: CLIP_BOS_TOKEN, eos: CLIP_EOS_TOKEN, unk: CLIP_EOS_TOKEN, pad: options.padToken };
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'vocab.json'), formatVocabJson(vocabulary.vocab), 'utf8');
  await writeFile(join(folder, 'merges.txt'), formatMergesTxt(vocabulary.merges), 'utf8');
  await writeFile(join(folder, 'tokenizer_config.json'), formatSortedJson(tokenizerConfigFor(vocabulary.vocab, special, options.modelMaxLength ?? CLIP_CONTEXT_LENGTH)), 'utf8');
  await writeFile(join(folder, 'special_tokens_map.json'), formatSortedJson(specialTokensMapFor(special)), 'utf8');
}

export async function readClipTokenizerFolder(folder: string): Promise<ClipTokenizerFiles> {
  const vocab = await readJsonFile(folder, 'vocab.json');
  for (const [token, id] of Object.entries(vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0) {
      throw tokenizerFolderError('vocab.json', `token ${JSON.stringify(token)} has id ${JSON.stringify(id)}`, 'Every id must be a non-negative integer');
    }
  }
  const merges = parseMergesTxt(await readTextFile(folder, 'merges.txt'));
  const tokenizerConfig = await readJsonFile(folder, 'tokenizer_config.json', {});
  const specialMap = await readJsonFile(folder, 'special_tokens_map.json', {});
  // transformers lets special_tokens_map.json override tokenizer_config.json; CLIPTokenizer's
  // defaults fill the rest.
  const token = (key: string, fallback: string): string => tokenContent(specialMap[key]) ?? tokenContent(tokenizerConfig[key]) ?? fallback;
  const special: ClipSpecialTokens = {
    bos: token('bos_token', CLIP_BOS_TOKEN),
    eos: token('eos_token', CLIP_EOS_TOKEN),
    unk: token('unk_token', CLIP_EOS_TOKEN),
    pad: token('pad_token', CLIP_EOS_TOKEN),
  };
  for (const [role, content] of Object.entries(special)) {
    if (vocab[content] === undefined) {
      throw tokenizerFolderError('vocab.json', `the ${role} token ${JSON.stringify(content)} is not in the vocabulary`, 'Check the folder\'s special_tokens_map.json / tokenizer_config.json');
    }
  }
  const maxLength = tokenizerConfig['model_max_length'];
  return {
    vocab: vocab as Record<string, number>,
    merges,
    special,
    modelMaxLength: typeof maxLength === 'number' && Number.isInteger(maxLength) && maxLength >= 2 && maxLength <= 4096 ? maxLength : CLIP_CONTEXT_LENGTH,
    tokenizerConfig,
  };
}

/** json.dumps(vocab, indent=2, sort_keys=True, ensure_ascii=False) + "\n" */
export function formatVocabJson(vocab: Readonly<Record<string, number>>): string {
  return formatSortedJson(vocab);
}

export function formatMergesTxt(merges: readonly MergePair[]): string {
  return ['#version: 0.2', ...merges.map(([left, right]) => `${left} ${right}`)].join('\n') + '\n';
}

export function parseMergesTxt(text: string): MergePair[] {
  const merges: MergePair[] = [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  lines.forEach((line, index) => {
    if (line === '' || line.startsWith('#version')) return;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw tokenizerFolderError('merges.txt', `line ${index + 1} is not "left right": ${JSON.stringify(line)}`, 'Each merge line holds two symbols separated by one space');
    }
    merges.push([parts[0] as string, parts[1] as string]);
  });
  return merges;
}

/**
 * Python's json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n" for JSON made of
 * objects, arrays, strings, integers and booleans. Written out by hand because JSON.stringify would
 * hoist integer-like keys ("0" … "9", "49406") ahead of the others, and Python sorts keys as
 * strings by code point.
 */
export function formatSortedJson(value: unknown): string {
  return formatJsonValue(value, '') + '\n';
}

function formatJsonValue(value: unknown, indent: string): string {
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + formatJsonValue(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort(compareCodePoints);
    if (keys.length === 0) return '{}';
    const record = value as Record<string, unknown>;
    return `{\n${keys.map((key) => `${inner}${JSON.stringify(key)}: ${formatJsonValue(record[key], inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

function tokenizerConfigFor(vocab: Readonly<Record<string, number>>, special: ClipSpecialTokens, modelMaxLength: number): Record<string, unknown> {
  const addedToken = (content: string) => ({ content, lstrip: false, normalized: true, rstrip: false, single_word: false, special: true });
  return {
    add_prefix_space: false,
    added_tokens_decoder: {
      [String(vocab[special.bos])]: addedToken(special.bos),
      [String(vocab[special.eos])]: addedToken(special.eos),
    },
    bos_token: special.bos,
    clean_up_tokenization_spaces: true,
    do_lower_case: true,
    eos_token: special.eos,
    errors: 'replace',
    model_max_length: modelMaxLength,
    pad_token: special.pad,
    tokenizer_class: 'CLIPTokenizer',
    unk_token: special.unk,
  };
}

function specialTokensMapFor(special: ClipSpecialTokens): Record<string, unknown> {
  const tokenEntry = (content: string) => ({ content, lstrip: false, normalized: true, rstrip: false, single_word: false });
  return { bos_token: tokenEntry(special.bos), eos_token: tokenEntry(special.eos), pad_token: special.pad, unk_token: tokenEntry(special.unk) };
}

/** A special token entry is either "text" or an AddedToken object {"content": "text", …}. */
function tokenContent(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (typeof entry === 'object' && entry !== null && typeof (entry as { content?: unknown }).content === 'string') return (entry as { content: string }).content;
  return undefined;
}

function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a, (c) => c.codePointAt(0) as number);
  const right = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return (left[i] as number) - (right[i] as number);
  }
  return left.length - right.length;
}

async function readTextFile(folder: string, name: string): Promise<string> {
  try {
    return await readFile(join(folder, name), 'utf8');
  } catch (error) {
    throw tokenizerFolderError(name, `cannot be read in ${folder} (${(error as Error).message})`, 'Point to a diffusers tokenizer/ folder containing vocab.json and merges.txt');
  }
}

async function readJsonFile(folder: string, name: string, fallback?: Record<string, unknown>): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(join(folder, name), 'utf8');
  } catch (error) {
    if (fallback !== undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw tokenizerFolderError(name, `cannot be read in ${folder} (${(error as Error).message})`, 'Point to a diffusers tokenizer/ folder');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw tokenizerFolderError(name, `is not valid JSON (${(error as Error).message})`, 'Re-export the tokenizer folder');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw tokenizerFolderError(name, 'does not hold a JSON object', 'Re-export the tokenizer folder');
  }
  return parsed as Record<string, unknown>;
}
