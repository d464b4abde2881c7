/**
 * The app:// scheme the desktop window loads from. A custom scheme instead of file:// gives the page
 * a real origin, so the Content-Security-Policy's 'self' means "this app" and ES modules load;
 * it serves the built UI and, at /view, output images exactly as the HTTP server's /view does.
 * Electron-free: main.ts turns the answer into a Response.
 */
import path from 'node:path';
import { findOutputFile } from '../server/output-file-path.js';
import { rendererAssetPath } from '../server/renderer-assets.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'scalecrafter';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

export type AppRequestTarget = { kind: 'file'; path: string } | { kind: 'refused'; status: 403 | 404 };

export async function resolveAppRequest(url: string, dirs: { rendererDir: string; outputDir: string }): Promise<AppRequestTarget> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'refused', status: 404 };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return { kind: 'refused', status: 404 };
  if (parsed.pathname === '/view') {
    const file = await findOutputFile(dirs.outputDir, parsed.searchParams.get('filename') ?? '', parsed.searchParams.get('subfolder') ?? '');
    if (file.ok) return { kind: 'file', path: file.path };
    return { kind: 'refused', status: file.reason === 'missing' ? 404 : 403 };
  }
  const asset = rendererAssetPath(dirs.rendererDir, parsed.pathname);
  return asset ? { kind: 'file', path: path.normalize(asset) } : { kind: 'refused', status: 403 };
}

/** The window may only show the app itself; links elsewhere never navigate it. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}
