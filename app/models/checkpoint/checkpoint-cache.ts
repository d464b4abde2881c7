/**
 * Converting a single-file checkpoint once and reusing the result: the pipeline folder lives under
 * `<modelsDir>/.imported/<file name without extension>` with a stamp of the source (absolute path,
 * size, mtime, converter version, prediction setting). It is rebuilt when the file changes (size
 * or mtime differ), the prediction setting changes, the stamp is missing (an interrupted import
 * never leaves one: the folder is renamed into place whole, stamp included) or the converter
 * changed. Concurrent requests for one folder in this process share one conversion. Standalone VAE
 * files use the same stamps (vae-file.ts).
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { importCheckpointFile, type CheckpointImportOptions, type CheckpointImportReport } from './import-checkpoint.js';

/** Bump when the conversion's output changes, so cached folders are rebuilt. */
export const CHECKPOINT_CONVERTER_VERSION = 1;
export const IMPORTED_FOLDER = '.imported';
const STAMP_FILE = 'checkpoint-source.json';

interface SourceStamp {
  source: string;
  size: number;
  mtimeMs: number;
  converter: number;
  /** What the conversion was told about the prediction type ("auto": detected). */
  prediction?: string;
}

export interface CachedImport {
  folder: string;
  /** The report of this call's conversion; null when the cached folder was reused. */
  converted: CheckpointImportReport | null;
}

export interface CachedImportOptions extends Pick<CheckpointImportOptions, 'onProgress' | 'dtype' | 'prediction'> {
  modelsDir: string;
}

/** The prediction setting of a conversion left to detection. */
const AUTO = 'auto';

const inFlight = new Map<string, Promise<unknown>>();

export function importedFolderFor(file: string, modelsDir: string): string {
  return path.join(path.resolve(modelsDir), IMPORTED_FOLDER, path.basename(file, path.extname(file)));
}

async function currentStamp(file: string, prediction: string): Promise<SourceStamp> {
  const info = await stat(file);
  return { source: path.resolve(file), size: info.size, mtimeMs: info.mtimeMs, converter: CHECKPOINT_CONVERTER_VERSION, prediction };
}

async function storedStamp(folder: string): Promise<SourceStamp | null> {
  try {
    return JSON.parse(await readFile(path.join(folder, STAMP_FILE), 'utf8')) as SourceStamp;
  } catch {
    return null;
  }
}

const sameStamp = (a: SourceStamp, b: SourceStamp | null) =>
  b !== null && a.source === b.source && a.size === b.size && a.mtimeMs === b.mtimeMs && a.converter === b.converter && a.prediction === (b.prediction ?? AUTO);

/** What a converter gets: a writer of the source stamp, to run last in its staging folder. */
export type StampWriter = (staging: string) => Promise<void>;

async function convertIfStale<R>(file: string, folder: string, setting: string, convert: (stamp: StampWriter) => Promise<R>): Promise<{ folder: string; converted: R | null }> {
  const stamp = await currentStamp(file, setting);
  if (sameStamp(stamp, await storedStamp(folder))) return { folder, converted: null };
  const converted = await convert((staging) => writeFile(path.join(staging, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`, 'utf8'));
  return { folder, converted };
}

/**
 * `folder` made from `file` by `convert` (which writes the stamp into its staging folder last),
 * unless the folder's stamp says `file` and the prediction `setting` are unchanged. Concurrent
 * requests for one folder share one run.
 */
export function convertOnce<R>(file: string, folder: string, convert: (stamp: StampWriter) => Promise<R>, setting = AUTO): Promise<{ folder: string; converted: R | null }> {
  const key = path.resolve(folder);
  const running = inFlight.get(key);
  if (running) return running as Promise<{ folder: string; converted: R | null }>;
  const job = convertIfStale(file, key, setting, convert).finally(() => inFlight.delete(key));
  inFlight.set(key, job);
  return job;
}

/** The pipeline folder converted from `file`, converting (again) only when needed. */
export function importCheckpoint(file: string, options: CachedImportOptions): Promise<CachedImport> {
  return convertOnce(file, importedFolderFor(file, options.modelsDir), (stamp) =>
    importCheckpointFile(file, {
      out: importedFolderFor(file, options.modelsDir),
      overwrite: true,
      ...(options.dtype ? { dtype: options.dtype } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.prediction ? { prediction: options.prediction } : {}),
      stamp,
    }),
    options.prediction ?? AUTO,
  );
}
