/**
 * The emoji image sets the training data comes from: where each npm package keeps its metadata and
 * its 64×64 PNGs, and how an entry becomes a caption. Only base emoji are used (no skin-tone
 * variants): the variants repeat the same drawing, which would weight people emoji five-fold.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface EmojiSource {
  /** The npm package spec installed on demand. */
  readonly packageSpec: string;
  readonly packageName: string;
  /** A style word appended to every caption, so prompts can ask for one style. */
  readonly styleWord: string;
  /** The key in emoji.json that says this set has a drawing for the entry. */
  readonly hasImageKey: string;
  /** Folder of the 64×64 PNGs inside the package. */
  readonly imageFolder: string;
}

/**
 * openmoji@17 on npm ships SVGs only (color/svg) and no PNGs, so it is not read here:
 * docs/training.md says what adding it needs (an SVG rasteriser).
 */
export const EMOJI_SOURCES: readonly EmojiSource[] = [
  { packageSpec: 'emoji-datasource-twitter@16', packageName: 'emoji-datasource-twitter', styleWord: 'twemoji', hasImageKey: 'has_img_twitter', imageFolder: 'img/twitter/64' },
  { packageSpec: 'emoji-datasource-google@16', packageName: 'emoji-datasource-google', styleWord: 'noto', hasImageKey: 'has_img_google', imageFolder: 'img/google/64' },
];

export interface EmojiEntry {
  readonly source: string;
  /** Code points as emoji-datasource spells them ("1F600"): the stable id of the entry. */
  readonly unified: string;
  readonly imagePath: string;
  readonly caption: string;
  /** emoji-datasource's top-level group ("Smileys & Emotion"), as written in emoji.json: the fidelity classifier's label. */
  readonly category: string;
}

/** The fields of emoji-datasource's emoji.json that captions use. */
interface DatasourceRecord {
  name?: string | null;
  unified: string;
  image: string;
  short_names?: string[];
  category: string;
  subcategory?: string;
  [key: string]: unknown;
}

export async function readEmojiEntries(nodeModules: string, source: EmojiSource): Promise<EmojiEntry[]> {
  const packageFolder = join(nodeModules, source.packageName);
  const records = JSON.parse(await readFile(join(packageFolder, 'emoji.json'), 'utf8')) as DatasourceRecord[];
  return records
    .filter((record) => record[source.hasImageKey] === true)
    .map((record) => {
      // The classifier's labels come from here, so a package without them must fail, not yield "undefined".
      if (typeof record.category !== 'string' || record.category === '') {
        throw new Error(`${join(packageFolder, 'emoji.json')}: entry ${record.unified} has no "category"; emoji-datasource@16 gives every entry one, so this is another package layout`);
      }
      return {
        source: source.styleWord,
        unified: record.unified,
        imagePath: join(packageFolder, source.imageFolder, record.image),
        caption: captionFor(record, source.styleWord),
        category: record.category,
      };
    })
    // Code-point order, not file order, so a package re-release that reorders emoji.json keeps the data set's order.
    .sort((a, b) => (a.unified < b.unified ? -1 : a.unified > b.unified ? 1 : 0));
}

/**
 * "grinning face, grinning, smileys and emotion, twemoji": the name first (what a prompt most
 * likely says), then short names that add words, the category, the style. Lower case, because
 * CLIP's tokenizer lower-cases anyway and duplicates would only use up the 75-token budget.
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
