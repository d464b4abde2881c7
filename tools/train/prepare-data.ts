/**
 * Builds the training set from the emoji packages on npm:
 *   node --import tsx tools/train/prepare-data.ts [--out .cache/train/data] [--size 32] [--sources twemoji,noto]
 * With Fluent added (measured, not shipped: docs/training.md): --sources twemoji,noto,fluent --out .cache/train/data-fluent.
 * The packages (~150 MB of tarballs) are installed on demand into .cache/train/npm, outside the
 * project's package.json. Writes into --out:
 *   images.npy    uint8 [N, size, size, 3], RGB on white
 *   tokens.npy    int32 [N, 77], the captions through the tiny model's CLIP tokenizer, so the
 *                 Python trainer needs no tokenizer of its own
 *   captions.jsonl one {"index","source","unified","caption","category"} per image, same order
 *   tokenizer/    the tokenizer folder the ids came from (ships with the model)
 * The order is fixed: sources in EMOJI_SOURCES order, entries by code point.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadClipTokenizer } from '../../app/diffusion/tokenizer/clip-tokenizer.js';
import { generateTinyClipVocabulary } from '../../app/diffusion/tokenizer/tiny-clip-vocabulary.js';
import { writeClipTokenizerFolder } from '../../app/diffusion/tokenizer/tokenizer-folder.js';
import type { EmojiEntry } from './emoji-records.js';
import { EMOJI_SOURCES, selectSources } from './emoji-sources.js';
import { writeNpy } from './npy-file.js';
import { readOnWhite, resizeByArea } from './training-pixels.js';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: '.cache/train/data' },
    npm: { type: 'string', default: '.cache/train/npm' },
    size: { type: 'string', default: '32' },
    // Twemoji and Noto only by default: the fidelity classifier and bench:fidelity's reference set
    // read .cache/train/data, and their labels and distances are defined on those two styles.
    sources: { type: 'string', default: 'twemoji,noto' },
  },
});

/** "@scope/name@1.2" → "@scope/name". */
const packageNameOf = (spec: string): string => spec.slice(0, spec.lastIndexOf('@'));

/**
 * npm install into a private prefix; --no-save and its own package.json keep the project's
 * untouched. Every source's packages are installed together, because an install with --no-save
 * removes whatever it was not asked for.
 */
async function installSources(prefix: string): Promise<string> {
  const nodeModules = join(prefix, 'node_modules');
  const specs = [...new Set(EMOJI_SOURCES.flatMap((source) => source.packageSpecs))];
  if (specs.some((spec) => !existsSync(join(nodeModules, packageNameOf(spec), 'package.json')))) {
    process.stdout.write(`installing ${specs.join(' ')} into ${prefix} …\n`);
    await mkdir(prefix, { recursive: true });
    // Its own package.json stops npm from walking up to the project's one.
    if (!existsSync(join(prefix, 'package.json'))) await writeFile(join(prefix, 'package.json'), '{"private":true}\n', 'utf8');
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', ...specs], { stdio: 'inherit' });
  }
  return nodeModules;
}

async function main(): Promise<void> {
  const size = Number(args.size);
  if (!Number.isInteger(size) || size < 8) throw new Error(`--size ${args.size}: give a whole number of pixels, at least 8`);
  const out = resolve(args.out!);
  const nodeModules = await installSources(resolve(args.npm!));
  const entries: EmojiEntry[] = [];
  for (const source of selectSources(args.sources!)) {
    const { entries: found, skipped } = await source.readEntries(nodeModules);
    const skippedNote = skipped.length === 0 ? '' : ` (${skipped.length} drawings without an emoji record skipped: ${skipped.join(', ')})`;
    process.stdout.write(`${source.styleWord}: ${found.length} base emoji${skippedNote}\n`);
    entries.push(...found);
  }

  await mkdir(out, { recursive: true });
  await writeClipTokenizerFolder(join(out, 'tokenizer'), generateTinyClipVocabulary(), { padToken: '<|endoftext|>' });
  const tokenizer = await loadClipTokenizer(join(out, 'tokenizer'));

  const images = new Uint8Array(entries.length * size * size * 3);
  const tokens = new Int32Array(entries.length * tokenizer.contextLength);
  const captionLines: string[] = [];
  let truncated = 0;
  for (const [index, entry] of entries.entries()) {
    const image = resizeByArea(await readOnWhite(entry.imagePath), size);
    images.set(image.data, index * image.data.length);
    const encoding = tokenizer.encode(entry.caption);
    if (encoding.truncated) truncated++;
    tokens.set(encoding.ids, index * tokenizer.contextLength);
    captionLines.push(JSON.stringify({ index, source: entry.source, unified: entry.unified, caption: entry.caption, category: entry.category }));
  }
  await writeNpy(join(out, 'images.npy'), '|u1', [entries.length, size, size, 3], images);
  await writeNpy(join(out, 'tokens.npy'), '<i4', [entries.length, tokenizer.contextLength], tokens);
  await writeFile(join(out, 'captions.jsonl'), captionLines.join('\n') + '\n', 'utf8');
  process.stdout.write(`wrote ${entries.length} images (${size}×${size}), ${truncated} captions truncated to ${tokenizer.contextLength} tokens, vocabulary ${tokenizer.vocabularySize}, into ${out}\n`);
}

await main();
