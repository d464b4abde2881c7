/**
 * Where an output file asked for by name (ComfyUI's /view?filename=&subfolder=) lives, confined to
 * the output folder whatever `..`, absolute paths, separators or symbolic links the request
 * involves. Names arrive decoded once (by URL parsing); a name still holding `%2e` is taken
 * literally. Shared by the HTTP server and Electron's app:// protocol.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { isWithin } from '../engine/output-files.js';

export type OutputFileLookup = { ok: true; path: string; relative: string } | { ok: false; reason: 'outside' | 'empty' | 'invalid' | 'missing' };

/** The lexical check: where the names point, before the file system is asked. */
export function resolveOutputFile(outputDir: string, filename: string, subfolder: string): OutputFileLookup {
  if (filename === '') return { ok: false, reason: 'empty' };
  // A NUL ends a path in C, and a backslash is a separator on Windows only: neither belongs in an output name.
  if (/[\\\0]/.test(filename + subfolder)) return { ok: false, reason: 'invalid' };
  const root = path.resolve(outputDir);
  const target = path.resolve(root, subfolder, filename);
  if (!isInside(root, target)) return { ok: false, reason: 'outside' };
  return { ok: true, path: target, relative: path.relative(root, target) };
}

/** The lexical check, then the real one: an existing file whose real path (symbolic links followed) is inside the output folder's. */
export async function findOutputFile(outputDir: string, filename: string, subfolder: string): Promise<OutputFileLookup> {
  const lookup = resolveOutputFile(outputDir, filename, subfolder);
  if (!lookup.ok) return lookup;
  const [root, target] = await Promise.all([realpath(outputDir).catch(() => null), realpath(lookup.path).catch(() => null)]);
  if (!root || !target) return { ok: false, reason: 'missing' };
  return isInside(root, target) ? { ok: true, path: target, relative: lookup.relative } : { ok: false, reason: 'outside' };
}

/** Whether `target` lies strictly inside `root` (a file, not the folder itself). */
function isInside(root: string, target: string): boolean {
  return target !== root && isWithin(root, target);
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
