/**
 * A farm batch's outputs as an editor host hands them out: only files the batch's own jobs
 * published, and only from inside its output folder. Shared by the HTTP routes (farm-routes.ts)
 * and the desktop's app:// scheme (app/electron/app-protocol.ts), which both use FARM_API.file's path.
 */
import type { FarmBatches } from '../farm/farm-batches.js';
import { findOutputFile } from './output-file-path.js';

/** FARM_API.file's path: batch id, then file name (both already safe in a URL, so never encoded). */
export const FARM_FILE_PATH = /^\/api\/farm\/batches\/([\w-]+)\/files\/([\w.-]+)$/;

/** The file's real path, or null when the batch is unknown or did not publish it. */
export async function findFarmFile(batches: Pick<FarmBatches, 'get'>, batchId: string, name: string): Promise<string | null> {
  const monitor = batches.get(batchId);
  if (!monitor?.hasFile(name)) return null;
  const found = await findOutputFile(monitor.outputDir, name, '');
  return found.ok ? found.path : null;
}
