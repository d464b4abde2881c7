/**
 * Microsoft's Fluent emoji (MIT), "flat" style, from the fluentui-emoji npm package. Its SVGs are
 * named by the emoji's CLDR name ("grinning-face.svg", "waving-hand-default.svg"), with no code
 * points, so unicode-emoji-json's CLDR slugs lead from the file name to the emoji, and the emoji to
 * the emoji-datasource record that gives captions and categories the same words as the other sets.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { captionFor, readDatasourceRecords, sortedByCodePoint, type DatasourceRecord, type EmojiEntry, type SourceEntries } from './emoji-records.js';

/** Skin-tone variants repeat the base drawing; "-default" is the base one of an emoji that has them. */
const SKIN_TONE_SUFFIX = /-(light|medium-light|medium|medium-dark|dark)$/;

/** unicode-emoji-json's data-by-emoji.json: emoji → its CLDR name as a slug ("grinning_face"). */
type EmojiBySlugData = Record<string, { slug: string }>;

export async function readFluentEntries(nodeModules: string, styleWord: string, emojiJsonPath: string): Promise<SourceEntries> {
  const imageFolder = join(nodeModules, 'fluentui-emoji', 'icons', 'flat');
  const slugs = JSON.parse(await readFile(join(nodeModules, 'unicode-emoji-json', 'data-by-emoji.json'), 'utf8')) as EmojiBySlugData;
  const emojiBySlug = new Map(Object.entries(slugs).map(([emoji, data]) => [data.slug.replace(/_/g, '-'), emoji]));
  const recordByCodePoints = indexByCodePoints(await readDatasourceRecords(emojiJsonPath));

  const entries: EmojiEntry[] = [];
  const skipped: string[] = [];
  const taken = new Set<string>();
  const names = (await readdir(imageFolder)).filter((file) => file.endsWith('.svg')).map((file) => file.slice(0, -'.svg'.length)).sort();
  for (const name of names) {
    if (SKIN_TONE_SUFFIX.test(name)) continue;
    const emoji = emojiBySlug.get(name.replace(/-default$/, ''));
    const record = emoji === undefined ? undefined : recordByCodePoints.get(withoutVariationSelectors(codePointsOf(emoji)));
    if (record === undefined) {
      skipped.push(name);
      continue;
    }
    if (taken.has(record.unified)) continue;
    taken.add(record.unified);
    entries.push({ source: styleWord, unified: record.unified, imagePath: join(imageFolder, `${name}.svg`), caption: captionFor(record, styleWord), category: record.category });
  }
  return { entries: sortedByCodePoint(entries), skipped };
}

/** "1F44B", "2764-FE0F": the emoji's code points as emoji-datasource spells them. */
function codePointsOf(emoji: string): string {
  return [...emoji].map((char) => char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')).join('-');
}

/** CLDR data and emoji-datasource disagree on where FE0F goes, so both sides are compared without it. */
const withoutVariationSelectors = (unified: string): string => unified.split('-').filter((code) => code !== 'FE0F').join('-');

function indexByCodePoints(records: DatasourceRecord[]): Map<string, DatasourceRecord> {
  return new Map(records.map((record) => [withoutVariationSelectors(record.unified), record]));
}
