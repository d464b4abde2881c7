import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { datasourceSource, EMOJI_SOURCES, selectSources } from '../../../tools/train/emoji-sources.js';

const twemoji = { packageName: 'emoji-datasource-twitter', styleWord: 'twemoji', hasImageKey: 'has_img_twitter', imageFolder: 'img/twitter/64' };

/** A temporary node_modules holding `files` (path → contents), removed afterwards. */
async function withNodeModules(files: Record<string, string>, body: (nodeModules: string) => Promise<void>): Promise<void> {
  const nodeModules = await mkdtemp(path.join(tmpdir(), 'emoji-sources-'));
  try {
    for (const [file, contents] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(nodeModules, file)), { recursive: true });
      await writeFile(path.join(nodeModules, file), contents);
    }
    await body(nodeModules);
  } finally {
    await rm(nodeModules, { recursive: true, force: true });
  }
}

const record = (unified: string, category?: string, hasImage = true) => ({ name: `emoji ${unified}`, unified, image: `${unified.toLowerCase()}.png`, category, subcategory: 'some-group', [twemoji.hasImageKey]: hasImage });

test('each entry carries its emoji-datasource category verbatim, in code-point order, only where the set has a drawing', async () => {
  const records = [record('1F600', 'Smileys & Emotion'), record('0023-FE0F-20E3', 'Symbols'), record('1F47B', 'Smileys & Emotion', false)];
  await withNodeModules({ 'emoji-datasource-twitter/emoji.json': JSON.stringify(records) }, async (nodeModules) => {
    const { entries, skipped } = await datasourceSource(twemoji).readEntries(nodeModules);
    assert.deepEqual(entries.map((entry) => [entry.unified, entry.category]), [['0023-FE0F-20E3', 'Symbols'], ['1F600', 'Smileys & Emotion']]);
    assert.equal(entries[1]!.caption, 'emoji 1f600, smileys and emotion, some group, twemoji');
    assert.equal(entries[1]!.imagePath, path.join(nodeModules, 'emoji-datasource-twitter/img/twitter/64/1f600.png'));
    assert.deepEqual(skipped, []);
  });
});

test('an entry without a category is refused with its code point', async () => {
  await withNodeModules({ 'emoji-datasource-twitter/emoji.json': JSON.stringify([record('1F600', 'Smileys & Emotion'), record('1F601')]) }, async (nodeModules) => {
    await assert.rejects(datasourceSource(twemoji).readEntries(nodeModules), /emoji\.json: entry 1F601 has no "category"/);
  });
});

test('Fluent drawings are named through their CLDR slugs: base drawings only, one per emoji, the unmatched listed', async () => {
  const fluent = EMOJI_SOURCES.find((source) => source.styleWord === 'fluent')!;
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"/>';
  const files = {
    'emoji-datasource-twitter/emoji.json': JSON.stringify([
      { name: 'GRINNING FACE', unified: '1F600', image: '1f600.png', short_names: ['grinning'], category: 'Smileys & Emotion', subcategory: 'face-smiling' },
      { name: 'WAVING HAND SIGN', unified: '1F44B', image: '1f44b.png', short_names: ['wave'], category: 'People & Body', subcategory: 'hand-fingers-open' },
      // emoji-datasource writes the variation selector; the CLDR data below does not.
      { name: 'HEAVY BLACK HEART', unified: '2764-FE0F', image: '2764-fe0f.png', short_names: ['heart'], category: 'Smileys & Emotion', subcategory: 'heart' },
    ]),
    'unicode-emoji-json/data-by-emoji.json': JSON.stringify({ '😀': { slug: 'grinning_face' }, '👋': { slug: 'waving_hand' }, '\u2764': { slug: 'red_heart' } }),
    'fluentui-emoji/icons/flat/grinning-face.svg': svg,
    'fluentui-emoji/icons/flat/waving-hand-default.svg': svg,
    'fluentui-emoji/icons/flat/waving-hand-light.svg': svg,
    'fluentui-emoji/icons/flat/waving-hand-medium-dark.svg': svg,
    'fluentui-emoji/icons/flat/red-heart.svg': svg,
    'fluentui-emoji/icons/flat/no-such-emoji.svg': svg,
    'fluentui-emoji/icons/flat/README.md': 'not a drawing',
  };
  await withNodeModules(files, async (nodeModules) => {
    const { entries, skipped } = await fluent.readEntries(nodeModules);
    assert.deepEqual(entries.map((entry) => [entry.unified, path.basename(entry.imagePath), entry.category]), [
      ['1F44B', 'waving-hand-default.svg', 'People & Body'],
      ['1F600', 'grinning-face.svg', 'Smileys & Emotion'],
      ['2764-FE0F', 'red-heart.svg', 'Smileys & Emotion'],
    ]);
    assert.equal(entries[0]!.caption, 'waving hand sign, wave, people and body, hand fingers open, fluent');
    assert.deepEqual(skipped, ['no-such-emoji']);
  });
});

test('--sources picks sets by style word in a fixed order and names the choices when one is unknown', () => {
  assert.deepEqual(selectSources('fluent, twemoji').map((source) => source.styleWord), ['twemoji', 'fluent']);
  assert.throws(() => selectSources('twemoji,openmoji'), /--sources twemoji,openmoji: name one or more of twemoji, noto, fluent/);
  assert.throws(() => selectSources(' , '), /name one or more of/);
});
