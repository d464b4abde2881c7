/** What every emoji source yields (captioned entries), and emoji-datasource's records they are named from. */
import { readFile } from 'node:fs/promises';

export interface EmojiEntry {
  readonly source: string;
  /** Code points as emoji-datasource spells them ("1F600"): the stable id of the entry. */
  readonly unified: string;
  /** A 64×64 PNG or an SVG (training-pixels.ts reads both). */
  readonly imagePath: string;
  readonly caption: string;
  /** emoji-datasource's top-level group ("Smileys & Emotion"), as written in emoji.json: the fidelity classifier's label. */
  readonly category: string;
}

export interface SourceEntries {
  readonly entries: EmojiEntry[];
  /** Drawings the source has but no emoji record could be found for, by file name. */
  readonly skipped: string[];
}

/** The fields of emoji-datasource's emoji.json that captions use. */
export interface DatasourceRecord {
  name?: string | null;
  unified: string;
  image: string;
  short_names?: string[];
  category: string;
  subcategory?: string;
  [key: string]: unknown;
}

/**
 * "grinning face, grinning, smileys and emotion, face smiling, twemoji": the name first (what a
 * prompt most likely says), then short names that add words, the category, the subcategory, the
 * style. Lower case, because CLIP's tokenizer lower-cases anyway and duplicates would only use up
 * the 75-token budget.
 */
export function captionFor(record: DatasourceRecord, styleWord: string): string {
  const parts: string[] = [];
  const add = (text: string | null | undefined): void => {
    const clean = (text ?? '').toLowerCase().replace(/_/g, ' ').replace(/&/g, 'and').replace(/\s+/g, ' ').trim();
    if (clean !== '' && !parts.includes(clean)) parts.push(clean);
  };
  add(record.name);
  for (const shortName of record.short_names ?? []) add(shortName);
  add(record.category);
  add(record.subcategory?.replace(/-/g, ' '));
  add(styleWord);
  return parts.join(', ');
}

export async function readDatasourceRecords(emojiJsonPath: string): Promise<DatasourceRecord[]> {
  const records = JSON.parse(await readFile(emojiJsonPath, 'utf8')) as DatasourceRecord[];
  for (const record of records) {
    // The classifier's labels come from here, so a package without them must fail, not yield "undefined".
    if (typeof record.category !== 'string' || record.category === '') {
      throw new Error(`${emojiJsonPath}: entry ${record.unified} has no "category"; emoji-datasource@16 gives every entry one, so this is another package layout`);
    }
  }
  return records;
}

/** Code-point order, not file order, so a package re-release that reorders its files keeps the data set's order. */
export function sortedByCodePoint(entries: EmojiEntry[]): EmojiEntry[] {
  return entries.sort((a, b) => (a.unified < b.unified ? -1 : a.unified > b.unified ? 1 : 0));
}
