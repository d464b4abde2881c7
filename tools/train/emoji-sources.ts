/**
 * The emoji image sets the training data comes from: which npm packages each needs, and how their
 * entries become captioned images. Only base emoji are used (no skin-tone variants): the variants
 * repeat the same drawing, which would weight people emoji five-fold.
 */
import { join } from 'node:path';
import { captionFor, readDatasourceRecords, sortedByCodePoint, type EmojiEntry, type SourceEntries } from './emoji-records.js';
import { readFluentEntries } from './fluent-emoji-source.js';

export interface EmojiSource {
  /** A style word appended to every caption, so prompts can ask for one style; also the --sources name. */
  readonly styleWord: string;
  /** npm package specs the source reads, installed on demand by prepare-data.ts. */
  readonly packageSpecs: readonly string[];
  readEntries(nodeModules: string): Promise<SourceEntries>;
}

/** The emoji-datasource package whose emoji.json gives Fluent's drawings their names, short names and categories. */
const DATASOURCE_RECORDS_PACKAGE = 'emoji-datasource-twitter';

interface DatasourceSet {
  readonly packageName: string;
  readonly styleWord: string;
  /** The key in emoji.json that says this set has a drawing for the entry. */
  readonly hasImageKey: string;
  /** Folder of the 64×64 PNGs inside the package. */
  readonly imageFolder: string;
}

/** An emoji-datasource image set: its emoji.json names the entries and says which have a drawing. */
export function datasourceSource(options: DatasourceSet): EmojiSource {
  return {
    styleWord: options.styleWord,
    packageSpecs: [`${options.packageName}@16`],
    readEntries: async (nodeModules) => ({ entries: await readDatasourceEntries(nodeModules, options), skipped: [] }),
  };
}

/**
 * openmoji@17 is not here: its CC-BY-SA licence would pass to the weights (models/README.md).
 * Fluent's drawings are SVG only; the "flat" style is the one closest to the other two.
 */
export const EMOJI_SOURCES: readonly EmojiSource[] = [
  datasourceSource({ packageName: 'emoji-datasource-twitter', styleWord: 'twemoji', hasImageKey: 'has_img_twitter', imageFolder: 'img/twitter/64' }),
  datasourceSource({ packageName: 'emoji-datasource-google', styleWord: 'noto', hasImageKey: 'has_img_google', imageFolder: 'img/google/64' }),
  {
    styleWord: 'fluent',
    packageSpecs: ['fluentui-emoji@1.3.0', 'unicode-emoji-json@0.9.0', `${DATASOURCE_RECORDS_PACKAGE}@16`],
    readEntries: (nodeModules) => readFluentEntries(nodeModules, 'fluent', join(nodeModules, DATASOURCE_RECORDS_PACKAGE, 'emoji.json')),
  },
];

/** The sources named in a comma-separated list of style words, in EMOJI_SOURCES order. */
export function selectSources(styleWords: string): EmojiSource[] {
  const wanted = styleWords.split(',').map((word) => word.trim()).filter((word) => word !== '');
  const unknown = wanted.filter((word) => !EMOJI_SOURCES.some((source) => source.styleWord === word));
  if (unknown.length > 0 || wanted.length === 0) {
    throw new Error(`--sources ${styleWords}: name one or more of ${EMOJI_SOURCES.map((source) => source.styleWord).join(', ')}`);
  }
  return EMOJI_SOURCES.filter((source) => wanted.includes(source.styleWord));
}

async function readDatasourceEntries(nodeModules: string, options: DatasourceSet): Promise<EmojiEntry[]> {
  const packageFolder = join(nodeModules, options.packageName);
  const records = await readDatasourceRecords(join(packageFolder, 'emoji.json'));
  return sortedByCodePoint(
    records
      .filter((record) => record[options.hasImageKey] === true)
      .map((record) => ({
        source: options.styleWord,
        unified: record.unified,
        imagePath: join(packageFolder, options.imageFolder, record.image),
        caption: captionFor(record, options.styleWord),
        category: record.category,
      })),
  );
}
