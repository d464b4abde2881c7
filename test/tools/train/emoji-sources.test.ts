import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EMOJI_SOURCES, readEmojiEntries } from '../../../tools/train/emoji-sources.js';

const twemoji = EMOJI_SOURCES[0]!;

/** A node_modules folder holding a twemoji package whose emoji.json is `records`. */
async function withPackage(records: unknown[], body: (nodeModules: string) => Promise<void>): Promise<void> {
  const nodeModules = await mkdtemp(path.join(tmpdir(), 'emoji-sources-'));
  try {
    await mkdir(path.join(nodeModules, twemoji.packageName), { recursive: true });
    await writeFile(path.join(nodeModules, twemoji.packageName, 'emoji.json'), JSON.stringify(records));
    await body(nodeModules);
  } finally {
    await rm(nodeModules, { recursive: true, force: true });
  }
}

const record = (unified: string, category?: string) => ({ name: `emoji ${unified}`, unified, image: `${unified.toLowerCase()}.png`, category, subcategory: 'some-group', [twemoji.hasImageKey]: true });

test('each entry carries its emoji-datasource category verbatim, in code-point order', async () => {
  await withPackage([record('1F600', 'Smileys & Emotion'), record('0023-FE0F-20E3', 'Symbols')], async (nodeModules) => {
    const entries = await readEmojiEntries(nodeModules, twemoji);
    assert.deepEqual(entries.map((entry) => [entry.unified, entry.category]), [['0023-FE0F-20E3', 'Symbols'], ['1F600', 'Smileys & Emotion']]);
    assert.match(entries[1]!.caption, /smileys and emotion/);
  });
});

test('an entry without a category is refused with its code point', async () => {
  await withPackage([record('1F600', 'Smileys & Emotion'), record('1F601')], async (nodeModules) => {
    await assert.rejects(readEmojiEntries(nodeModules, twemoji), /emoji\.json: entry 1F601 has no "category"/);
  });
});
