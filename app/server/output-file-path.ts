/**
 * Where an output file asked for by name (ComfyUI's /view?filename=&subfolder=) lives, confined to
 * the output folder whatever `..`, absolute paths or separators the request holds. Shared by the
 * HTTP server and Electron's app:// protocol.
 */
import path from 'node:path';

export type OutputFileLookup = { ok: true; path: string; relative: string } | { ok: false; reason: 'outside' | 'empty' };

export function resolveOutputFile(outputDir: string, filename: string, subfolder: string): OutputFileLookup {
  if (filename === '') return { ok: false, reason: 'empty' };
  const root = path.resolve(outputDir);
  const target = path.resolve(root, subfolder, filename);
  const relative = path.relative(root, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return { ok: false, reason: 'outside' };
  return { ok: true, path: target, relative };
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
