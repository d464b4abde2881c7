/** One tiny default pipeline per test process, in a temporary models folder (it builds in about a second). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeTinyStableDiffusion } from '../../app/models/tiny-sd.js';
import './test-cache-dir.js';

let modelsDir: Promise<string> | undefined;

export function tinyModelsDir(): Promise<string> {
  modelsDir ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scalecrafter-models-'));
    await writeTinyStableDiffusion(path.join(dir, 'tiny-sd'));
    return dir;
  })();
  return modelsDir;
}
