/**
 * The real images of the experiment's reference set: the model's own training set, as
 * tools/train/prepare-data.ts writes it (prepared on first use, ~10 s, from the npm emoji packages).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readNpy } from '../../tools/train/npy-file.js';
import type { RgbImage } from './image-ops.js';

export const TRAINING_DATA_FOLDER = '.cache/train/data';

/** `count` images evenly spaced through the training set (both styles, every category). */
export async function readTrainingImages(count: number, folder = TRAINING_DATA_FOLDER): Promise<RgbImage[]> {
  const file = path.join(folder, 'images.npy');
  if (!existsSync(file)) {
    console.log(`${file} is missing: preparing the training set (tools/train/prepare-data.ts)`);
    execFileSync(process.execPath, ['--import', 'tsx', 'tools/train/prepare-data.ts', '--out', folder], { stdio: 'inherit' });
  }
  const { shape, data } = await readNpy(file);
  const [total, height, width, channels] = shape;
  if (shape.length !== 4 || channels !== 3 || !(data instanceof Uint8Array)) throw new Error(`${file}: expected uint8 [N, H, W, 3], found ${JSON.stringify(shape)}`);
  const stride = height! * width! * 3;
  const chosen = Math.min(count, total!);
  return Array.from({ length: chosen }, (_, k) => {
    const index = Math.floor((k * total!) / chosen);
    return { width: width!, height: height!, data: data.slice(index * stride, (index + 1) * stride) };
  });
}
