/**
 * Model folders shipped with the desktop app (resources/models; electron-builder.yml's
 * extraResources). The app bundle is read-only and shared by every user, but LoadCheckpoint writes
 * the ONNX graphs it builds into a model's own folder, so a bundled model is first copied into the
 * user's models folder and built there like any other.
 */
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { listModelFolders } from './pipeline-folder.js';

/** Names of the pipeline folders in the bundled folder (none without one). */
export function bundledModelNames(bundledModelsDir: string | undefined): string[] {
  return bundledModelsDir === undefined ? [] : listModelFolders(bundledModelsDir);
}

/**
 * Copies the bundled model `name` into `modelsDir` when `modelsDir` has no folder of that name;
 * returns the new folder, or null when there was nothing to copy. The copy is made in a staging
 * folder beside it and renamed into place, so a reader never sees half a model.
 */
export async function copyBundledModel(modelsDir: string, bundledModelsDir: string | undefined, name: string): Promise<string | null> {
  const target = path.join(modelsDir, name);
  if (bundledModelsDir === undefined || existsSync(target) || !listModelFolders(bundledModelsDir).includes(name)) return null;
  await mkdir(modelsDir, { recursive: true });
  const staging = path.join(modelsDir, `.${name}.copy-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  try {
    await cp(path.join(bundledModelsDir, name), staging, { recursive: true });
    await makeOwnerWritable(staging);
    await rename(staging, target);
  } catch (error) {
    // Another process may have put the folder in place first; then its copy serves.
    if (!existsSync(target)) throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return target;
}

/** cp keeps the bundle's modes, and a read-only install would leave a copy the graphs cannot be built into. */
async function makeOwnerWritable(root: string): Promise<void> {
  const entries = await readdir(root, { recursive: true });
  for (const entry of [root, ...entries.map((relative) => path.join(root, relative))]) {
    const { mode } = await stat(entry);
    await chmod(entry, mode | 0o200);
  }
}
