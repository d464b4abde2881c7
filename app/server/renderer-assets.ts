/**
 * The built canvas UI (renderer/dist): where it is, and which file a URL path names. Paths are
 * confined to the folder; `/` is index.html.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** renderer/dist of this checkout or package, found by walking up to package.json (source or dist/ build alike). */
export function defaultRendererDir(from: string = fileURLToPath(import.meta.url)): string | null {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) {
      const candidate = path.join(dir, 'renderer', 'dist');
      return existsSync(path.join(candidate, 'index.html')) ? candidate : null;
    }
    if (path.dirname(dir) === dir) return null;
  }
}

/** The file a request path names inside `root`, or null when it would leave it. */
export function rendererAssetPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = path.resolve(root);
  const target = path.resolve(base, relative);
  const inside = path.relative(base, target);
  return inside === '' || inside.startsWith('..') || path.isAbsolute(inside) ? null : target;
}
