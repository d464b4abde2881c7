/**
 * Prepared UNets made once per model file and kept in the app's cache folder (model folders may be
 * read-only: an export the user keeps elsewhere). The key is the UNet file's path, size and
 * modification time plus the rewrites' ids, format versions and options, so a change to either
 * prepares again and nothing is bumped by hand.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileFingerprint } from '../models/model-files.js';
import { readModel } from '../onnx/model-io.js';
import { UserFacingError } from '../protocol/user-facing-error.js';
import { defaultCacheDir } from './dispersion-cache.js';
import { DEFAULT_DISPERSION_PARAMS, type DispersionTransformParams } from './dispersion-transform.js';
import { isActive, type PatchedUnetSetup } from './model-patches.js';
import { findCandidateConvs } from './prepare/conv-candidates.js';
import { prepareUnetFile } from './prepare/prepare-unet-file.js';
import { readLayouts, rewritesCacheTag } from './prepare/unet-rewrite.js';
import { PreparedUnet, scaleCrafterRewrites } from './prepared-unet.js';
import type { ConvName } from './unet-convs.js';

const prepared = new Map<string, Promise<PreparedUnet>>();
const candidates = new Map<string, Promise<ConvName[]>>();

function fingerprint(unetPath: string): string {
  return createHash('sha256').update(`${path.resolve(unetPath)}|${fileFingerprint(unetPath)}`).digest('hex').slice(0, 24);
}

/** Memoised per key; a failed attempt is forgotten so the next call tries again. */
function memo<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (!value) {
    value = make();
    cache.set(key, value);
    value.catch(() => cache.delete(key));
  }
  return value;
}

/** The UNet's re-dilatable convs (module paths), read from the graph alone (weights stay on disk). */
export function candidateConvsOf(unetPath: string): Promise<ConvName[]> {
  return memo(candidates, fingerprint(unetPath), async () => findCandidateConvs(await readModel(unetPath)).candidates.map((conv) => conv.name));
}

/** The dispersion transform R is solved into the prepared graph, so each η (and k→K, s) has its own preparation. */
export function preparedUnetFor(unetPath: string, dispersion: DispersionTransformParams = DEFAULT_DISPERSION_PARAMS, cacheDir: string = defaultCacheDir()): Promise<PreparedUnet> {
  const rewrites = scaleCrafterRewrites(dispersion);
  const key = `${fingerprint(unetPath)}-${rewritesCacheTag(rewrites)}`;
  return memo(prepared, key, () => prepareCached(unetPath, path.join(cacheDir, 'prepared-unets', key), rewrites));
}

/** The prepared UNet a MODEL's patches need, or null when they leave the UNet as it is. */
export function preparedUnetForPatches(unetPath: string, setup: PatchedUnetSetup): Promise<PreparedUnet | null> {
  if (!isActive(setup)) return Promise.resolve(null);
  const { dispersion } = setup.schedule;
  return preparedUnetFor(unetPath, dispersion.kind === 'off' ? DEFAULT_DISPERSION_PARAMS : dispersion.transform);
}

async function prepareCached(unetPath: string, folder: string, rewrites: ReturnType<typeof scaleCrafterRewrites>): Promise<PreparedUnet> {
  const modelPath = path.join(folder, 'model.onnx');
  if (existsSync(modelPath)) {
    const read = readLayouts(await readModel(modelPath), rewrites);
    if (!read.ok) {
      throw new UserFacingError(`the cached prepared UNet ${modelPath} lacks its ${read.missing.join(', ')} controls`, { hint: `delete the folder ${folder} to prepare it again` });
    }
    return new PreparedUnet(modelPath, read.layouts);
  }
  // Prepared aside and renamed into place: a half-written cache entry is never used.
  const staging = `${folder}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const { layouts } = await prepareUnetFile(unetPath, path.join(staging, 'model.onnx'), rewrites);
  await mkdir(path.dirname(folder), { recursive: true });
  await rename(staging, folder).catch(async (error: NodeJS.ErrnoException) => {
    // Another worker finished first: keep its copy (prepared from the same file by the same rewrites).
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(modelPath)) throw error;
  });
  return new PreparedUnet(modelPath, layouts);
}
