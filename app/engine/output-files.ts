/**
 * Files that output nodes write. A filename prefix may name a subfolder but can never leave the
 * output folder, by `..`, an absolute path or a symbolic link inside it; an existing file is never
 * overwritten (the counter moves on instead); and a file appears whole or not at all (written
 * aside, then hard-linked into place).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, link, readdir, realpath, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserFacingError } from '../protocol/user-facing-error.js';

export interface WrittenFile {
  /** Path relative to the output folder, with forward slashes (what the UI asks /view for). */
  relativePath: string;
  absolutePath: string;
  filename: string;
  subfolder: string;
}

const PREFIX_FIELD = 'filename_prefix';
/** File systems allow 255 bytes a name; the staging name adds a dot and ".<uuid>.partial" (46 bytes). */
const MAX_PREFIX_PART_BYTES = 200;

/** Resolves `prefix` inside `outputDir`, or throws a UserFacingError on the prefix field. */
export function resolvePrefix(outputDir: string, prefix: string): { directory: string; stem: string; subfolder: string } {
  const trimmed = prefix.trim();
  if (trimmed === '') throw new UserFacingError('the filename prefix is empty', { field: PREFIX_FIELD, hint: 'type a name such as "scalecrafter"' });
  if (trimmed.includes('\0')) throw new UserFacingError('the filename prefix contains a NUL character', { field: PREFIX_FIELD, hint: 'use letters, digits, spaces, "-", "_" and "/"' });
  if (path.isAbsolute(trimmed) || /^[a-zA-Z]:/.test(trimmed)) {
    throw new UserFacingError(`the filename prefix "${prefix}" is an absolute path`, { field: PREFIX_FIELD, hint: 'use a name, optionally with a subfolder ("portraits/face"); files always go to the output folder' });
  }
  const root = path.resolve(outputDir);
  const target = path.resolve(root, trimmed);
  const relative = path.relative(root, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative) || trimmed.split(/[\\/]/).includes('..')) {
    throw new UserFacingError(`the filename prefix "${prefix}" points outside the output folder`, { field: PREFIX_FIELD, hint: 'remove "../" from the prefix' });
  }
  const longest = Math.max(...trimmed.split(/[\\/]/).map((part) => Buffer.byteLength(part)));
  if (longest > MAX_PREFIX_PART_BYTES) {
    throw new UserFacingError(`the filename prefix has a name ${longest} bytes long; each name in it may have at most ${MAX_PREFIX_PART_BYTES}`, { field: PREFIX_FIELD, hint: 'shorten the prefix' });
  }
  const directory = path.dirname(target);
  return { directory, stem: path.basename(target), subfolder: path.relative(root, directory).split(path.sep).join('/') };
}

export async function writeOutputFile(outputDir: string, prefix: string, extension: string, data: Uint8Array | string): Promise<WrittenFile> {
  const { directory, stem, subfolder } = resolvePrefix(outputDir, prefix);
  await refuseLinkOut(outputDir, directory, prefix);
  await mkdir(directory, { recursive: true });
  const staging = path.join(directory, `.${stem}.${randomUUID()}.partial`);
  await writeFile(staging, data);
  try {
    for (let counter = await nextCounter(directory, stem, extension); ; counter++) {
      const filename = `${stem}_${String(counter).padStart(5, '0')}_.${extension}`;
      const absolutePath = path.join(directory, filename);
      try {
        await link(staging, absolutePath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      const relativePath = subfolder ? `${subfolder}/${filename}` : filename;
      return { relativePath, absolutePath, filename, subfolder };
    }
  } finally {
    await unlink(staging).catch(() => undefined);
  }
}

/** Whether `target` is `root` or lies inside it (both absolute, compared as written). */
export function isWithin(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/**
 * A subfolder that is, or lies under, a symbolic link out of the output folder is refused before
 * anything is created: the deepest part of it that exists already must really be inside.
 */
async function refuseLinkOut(outputDir: string, directory: string, prefix: string): Promise<void> {
  await mkdir(outputDir, { recursive: true });
  const root = await realpath(outputDir);
  let existing = directory;
  while (!(await realpath(existing).catch(() => null))) existing = path.dirname(existing);
  if (isWithin(root, await realpath(existing))) return;
  throw new UserFacingError(`the filename prefix "${prefix}" leads outside the output folder through a symbolic link`, { field: PREFIX_FIELD, hint: 'pick another subfolder, or remove the link from the output folder' });
}

/** One past the highest counter already used for this stem, so numbering continues after deletions too. */
async function nextCounter(directory: string, stem: string, extension: string): Promise<number> {
  const pattern = new RegExp(`^${escapeRegExp(stem)}_(\\d{5,})_\\.${escapeRegExp(extension)}$`);
  let highest = 0;
  for (const name of await readdir(directory)) {
    const match = pattern.exec(name);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest + 1;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
