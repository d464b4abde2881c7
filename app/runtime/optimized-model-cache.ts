/**
 * ONNX Runtime's optimised graph kept on disk, so a large model is optimised once, not on every
 * open. Opening the fp32 SD 1.5 UNet on the CPU EP spends nearly all its time in the graph
 * transformers (constant folding, fusions, the NCHWc layout pass that reorders every conv weight);
 * the optimised model written by the first open loads with optimisation disabled in a fraction of
 * that (bench/unet-memory-startup.ts). CPU EP only: the NCHWc layout depends on the CPU's vector
 * width, and other EPs partition the graph in ways ORT cannot save.
 *
 * An entry is keyed by everything that shapes the optimised graph: the model's folder contents
 * (names, sizes, modification times: the model and its external-data sidecar), the ORT version,
 * the CPU and the optimisation level. It is written into a staging folder and renamed into place,
 * so a half-written entry is never loaded; a newer entry for the same model path replaces the old.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { arch, cpus } from 'node:os';
import path from 'node:path';

/** The optimisation level the cached graph was produced with (ORT's default). */
const OPTIMIZATION_LEVEL = 'all';
const MODEL_FILE = 'model.onnx';
const SIDECAR_FILE = 'model.onnx_data';
/** A staging folder this old belongs to no open still running (the SD UNet's is written in minutes). */
const ABANDONED_STAGING_MS = 6 * 60 * 60 * 1000;

export interface CachedModelPlan {
  /** the cached optimised model: open it with graph optimisation disabled */
  readonly cachedModel: string;
  /** true when the entry is complete on disk */
  readonly ready: boolean;
  /** where to write the entry (ORT's optimizedModelFilePath) before committing it */
  readonly stagingModel: string;
  /** session config for the staging write: weights into one sidecar next to the model */
  readonly saveConfig: Readonly<Record<string, string>>;
  /** creates the staging folder ORT writes the optimised model into */
  stage(): Promise<void>;
  /** moves the staged entry into place and removes older entries of the same model */
  commit(): Promise<void>;
  /** removes the staging folder (after a failed open) or a cached entry that failed to load */
  discard(which: 'staging' | 'entry'): Promise<void>;
}

/** What identifies the source model's bytes: every file in its folder, by name, size and mtime. */
function sourceFingerprint(modelPath: string): string {
  const directory = path.dirname(modelPath);
  const files = readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const info = statSync(path.join(directory, entry.name));
      return `${entry.name}:${info.size}:${info.mtimeMs}`;
    })
    .sort();
  return files.join('|');
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * The cache entry for `modelPath` opened on the CPU EP by ORT `ortVersion`, under `cacheDir`.
 * Folder name: <hash of the model path>-<hash of everything else>, so entries of one model are
 * found (and replaced) by their prefix.
 */
export function planCachedModel(modelPath: string, cacheDir: string, ortVersion: string): CachedModelPlan {
  const resolved = path.resolve(modelPath);
  const cpu = `${arch()}|${cpus()[0]?.model ?? 'unknown cpu'}`;
  const pathKey = digest(resolved);
  const entryName = `${pathKey}-${digest([sourceFingerprint(resolved), ortVersion, cpu, OPTIMIZATION_LEVEL].join('\n'))}`;
  const entry = path.join(cacheDir, entryName);
  const staging = path.join(cacheDir, `${entryName}.partial-${process.pid}-${randomUUID().slice(0, 8)}`);
  const cachedModel = path.join(entry, MODEL_FILE);
  return {
    cachedModel,
    ready: existsSync(cachedModel),
    stagingModel: path.join(staging, MODEL_FILE),
    saveConfig: {
      optimized_model_external_initializers_file_name: SIDECAR_FILE,
      // Every weight into the sidecar: the optimised SD UNet is far beyond protobuf's 2 GiB.
      optimized_model_external_initializers_min_size_in_bytes: '1024',
    },
    async stage() {
      await mkdir(staging, { recursive: true });
    },
    async commit() {
      await rename(staging, entry).catch(async (error: NodeJS.ErrnoException) => {
        // Another process committed the same entry first: keep its copy.
        await rm(staging, { recursive: true, force: true });
        if (!existsSync(cachedModel)) throw error;
      });
      // Older entries of this model, and staging folders a crashed open left (a full copy of the model each).
      const abandoned = (name: string) => name.includes('.partial-') && Date.now() - statSync(path.join(cacheDir, name)).mtimeMs > ABANDONED_STAGING_MS;
      const stale = (await readdir(cacheDir)).filter((name) => name.startsWith(`${pathKey}-`) && name !== entryName && (!name.includes('.partial-') || abandoned(name)));
      await Promise.all(stale.map((name) => rm(path.join(cacheDir, name), { recursive: true, force: true })));
    },
    async discard(which) {
      await rm(which === 'staging' ? staging : entry, { recursive: true, force: true });
    },
  };
}
