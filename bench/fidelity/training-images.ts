/**
 * The real images of the experiment's reference set: the model's own training set, as
 * tools/train/prepare-data.ts writes it (prepared on first use, ~10 s, from the npm emoji packages).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readNpy } from '../../tools/train/npy-file.js';
import type { RgbImage } from './image-ops.js';

export const TRAINING_DATA_FOLDER = '.cache/train/data';
/** tools/train/classifier.py's HOLD_OUT_EVERY: every 10th emoji in code-point order is held out. */
const HOLD_OUT_EVERY = 10;

/** `count` images evenly spaced through the training set (both styles, every category). */
export async function readTrainingImages(count: number, folder = TRAINING_DATA_FOLDER): Promise<RgbImage[]> {
  const all = await readAllImages(folder);
  const chosen = Math.min(count, all.length);
  return Array.from({ length: chosen }, (_, k) => all[Math.floor((k * all.length) / chosen)]!);
}

export interface LabelledImage {
  readonly image: RgbImage;
  readonly source: string;
  readonly category: string;
}

/**
 * The classifier's held-out split, chosen by tools/train/classifier.py's rule: every emoji whose
 * rank among the distinct code points (sorted as strings) is a multiple of 10, both of its drawings.
 */
export async function readHeldOutImages(folder = TRAINING_DATA_FOLDER): Promise<LabelledImage[]> {
  const images = await readAllImages(folder);
  const rows = (await readFile(path.join(folder, 'captions.jsonl'), 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { source: string; unified: string; category: string });
  if (rows.length !== images.length) throw new Error(`${folder}: captions.jsonl has ${rows.length} rows for ${images.length} images; re-run tools/train/prepare-data.ts`);
  const codes = [...new Set(rows.map((row) => row.unified))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = new Map(codes.map((code, index) => [code, index]));
  return rows.flatMap((row, index) => (rank.get(row.unified)! % HOLD_OUT_EVERY === 0 ? [{ image: images[index]!, source: row.source, category: row.category }] : []));
}

async function readAllImages(folder: string): Promise<RgbImage[]> {
  const file = path.join(folder, 'images.npy');
  if (!existsSync(file)) {
    console.log(`${file} is missing: preparing the training set (tools/train/prepare-data.ts)`);
    execFileSync(process.execPath, ['--import', 'tsx', 'tools/train/prepare-data.ts', '--out', folder], { stdio: 'inherit' });
  }
  const { shape, data } = await readNpy(file);
  const [total, height, width, channels] = shape;
  if (shape.length !== 4 || channels !== 3 || !(data instanceof Uint8Array)) throw new Error(`${file}: expected uint8 [N, H, W, 3], found ${JSON.stringify(shape)}`);
  const stride = height! * width! * 3;
  return Array.from({ length: total! }, (_, index) => ({ width: width!, height: height!, data: data.subarray(index * stride, (index + 1) * stride) }));
}
