/**
 * The app:// scheme the desktop window loads from. A custom scheme instead of file:// gives the page
 * a real origin, so the Content-Security-Policy's 'self' means "this app" and ES modules load;
 * it serves the built UI, at /view output images exactly as the HTTP server's /view does, and the
 * farm batches' published outputs at the HTTP server's path for them (FARM_API.file).
 * Electron-free: main.ts turns the answer into a Response.
 */
import path from 'node:path';
import type { FarmBatches } from '../farm/farm-batches.js';
import { FARM_FILE_PATH, findFarmFile } from '../server/farm-files.js';
import { findOutputFile } from '../server/output-file-path.js';
import { rendererAssetPath } from '../server/renderer-assets.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'scalecrafter';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

export type AppRequestTarget = { kind: 'file'; path: string } | { kind: 'refused'; status: 403 | 404 };

export interface AppRequestSources {
  rendererDir: string;
  outputDir: string;
  /** The editor's farm batches; without it, no farm file is served. */
  farm?: Pick<FarmBatches, 'get'>;
}

export async function resolveAppRequest(url: string, dirs: AppRequestSources): Promise<AppRequestTarget> {
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
  // Whatever else is under it, the farm's path never falls through to the UI's files.
  if (parsed.pathname.startsWith('/api/farm/')) {
    const farmFile = FARM_FILE_PATH.exec(parsed.pathname);
    const file = farmFile && dirs.farm ? await findFarmFile(dirs.farm, farmFile[1]!, farmFile[2]!) : null;
    return file ? { kind: 'file', path: file } : { kind: 'refused', status: 404 };
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
