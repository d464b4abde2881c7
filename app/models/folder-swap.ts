/**
 * Writes a folder beside its final place and renames it into place, so a reader never sees half
 * of it; an existing folder is replaced only when asked to (the old one is moved aside first and
 * removed after the new one is in).
 */
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UserFacingError } from '../protocol/user-facing-error.js';


export async function pathExists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** Runs `write(staging)` on an empty sibling folder of `folder`, then moves it into place. Returns the absolute path. */
export async function writeFolderAtomically(folder: string, write: (staging: string) => Promise<void>, options: { overwrite: boolean }): Promise<string> {
  const target = resolve(folder);
  if (!options.overwrite && (await pathExists(target))) throw new UserFacingError(`${target} already exists`, { hint: 'pass overwrite (CLI: --force) to replace it, or choose another folder' });
  const staging = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    await write(staging);
    if (await pathExists(target)) {
      const old = join(dirname(target), `.${basename(target)}.old-${process.pid}`);
      await rename(target, old);
      await rename(staging, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(staging, target);
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return target;
}
