/**
 * The shared output folder of a farm: every job's files under names derived from the job, each
 * appearing whole (rendered into a private folder beside it, then hard-linked into place) and at
 * most once (a link never replaces an existing file), whichever worker finishes first.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/** Where workers render before publishing: inside the shared folder, so a hard link reaches it. */
const STAGING_FOLDER = '.farm-staging';

export async function stagingFolder(outputDir: string, jobName: string): Promise<string> {
  const folder = path.join(outputDir, STAGING_FOLDER, `${jobName}.${randomUUID()}`);
  await mkdir(folder, { recursive: true });
  return folder;
}

/** `<jobName><ext>`, or `<jobName>_<k><ext>` when the job rendered several files: the same in every output store. */
export function outputName(jobName: string, k: number, count: number, file: string): string {
  return `${jobName}${count > 1 ? `_${k}` : ''}${path.extname(file)}`;
}

export function outputNamePattern(jobName: string): RegExp {
  return new RegExp(`^${jobName.replace(/[.]/g, '\\.')}(_\\d+)?\\.[a-z]+$`);
}

/** The files a job published earlier (a retry after they were written, or a second submission). */
export async function publishedOutputs(outputDir: string, jobName: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(outputDir);
  } catch {
    return [];
  }
  const pattern = outputNamePattern(jobName);
  return names.filter((name) => pattern.test(name)).sort();
}

/** Links each rendered file to `<jobName><ext>` (or `<jobName>_<k><ext>` for several) and removes the staging folder. */
export async function publishOutputs(outputDir: string, staging: string, renderedFiles: readonly string[]): Promise<string[]> {
  const jobName = path.basename(staging).replace(/\.[^.]+$/, '');
  const published: string[] = [];
  try {
    for (const [k, file] of renderedFiles.entries()) {
      const name = outputName(jobName, k, renderedFiles.length, file);
      try {
        await link(file, path.join(outputDir, name));
      } catch (error) {
        // Another worker published the same job (a stalled job's first run finishing late): keep its file.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      published.push(name);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return published;
}
