/**
 * What the canvas needs to know about the models LoadCheckpoint can name: each name, and the image
 * size the model was trained at (its UNet's sample_size × the VAE's scale factor), so a new Empty
 * Latent Image starts at that size. Read from config files only; nothing is built or converted, so
 * a checkpoint file not yet converted, or a test model not yet written, has no known size.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EngineConfig } from '../engine/engine-config.js';
import type { ModelInfo } from '../protocol/index.js';
import { importedFolderFor } from './checkpoint/index.js';
import { findModelFile } from './model-files.js';
import { readJson, resolveModelFolder } from './pipeline-folder.js';

type CatalogConfig = Pick<EngineConfig, 'modelsDir' | 'bundledModelsDir' | 'comfyui'>;

/** Diffusers' default VAE depth (SD's four levels): an export without vae_decoder/config.json. */
const SD_VAE_LEVELS = 4;

export function modelCatalog(config: CatalogConfig, names: readonly string[]): ModelInfo[] {
  return names.map((name) => {
    const folder = pipelineFolderOf(config, name);
    const side = folder === null ? null : nativeSide(folder);
    return { name, nativeSize: side === null ? null : { width: side, height: side } };
  });
}

/** The folder whose configs describe `name`: a pipeline folder, a bundled one, or a converted checkpoint's. */
function pipelineFolderOf(config: CatalogConfig, name: string): string | null {
  const isFolder = (folder: string) => existsSync(folder) && statSync(folder).isDirectory();
  const own = resolveModelFolder(config.modelsDir, name);
  if (isFolder(own)) return own;
  const bundled = config.bundledModelsDir === undefined ? null : path.join(config.bundledModelsDir, name);
  if (bundled !== null && isFolder(bundled)) return bundled;
  const file = findModelFile(config, 'checkpoints', name);
  const imported = file === null ? null : importedFolderFor(file, config.modelsDir);
  return imported !== null && isFolder(imported) ? imported : null;
}

/** sample_size × 2^(VAE levels − 1), or null when the UNet's config does not say. */
function nativeSide(folder: string): number | null {
  try {
    const sampleSize = readJson(path.join(folder, 'unet', 'config.json'))?.sample_size;
    if (typeof sampleSize !== 'number' || !Number.isInteger(sampleSize) || sampleSize <= 0) return null;
    const blocks = readJson(path.join(folder, 'vae_decoder', 'config.json'))?.block_out_channels;
    const levels = Array.isArray(blocks) && blocks.length > 0 ? blocks.length : SD_VAE_LEVELS;
    return sampleSize * 2 ** (levels - 1);
  } catch {
    // A damaged config is reported when the model is loaded; the catalog just does not know its size.
    return null;
  }
}
