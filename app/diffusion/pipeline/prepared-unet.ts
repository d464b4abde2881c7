/**
 * The ScaleCrafter-capable UNet of a pipeline folder (docs/scalecrafter-controls.md), prepared once
 * per model file and kept in the cache folder, keyed by the UNet's path, size and modification
 * time. Model folders may be read-only (an export the user keeps elsewhere), hence the cache.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { readModel } from '../../onnx/model-io.js';
import { defaultCacheDir } from '../../scalecrafter/dispersion-cache.js';
import { DEFAULT_DISPERSION_PARAMS, type DispersionTransformParams } from '../../scalecrafter/dispersion-transform.js';
import { findCandidateConvs } from '../../scalecrafter/prepare/conv-candidates.js';
import { addAttentionScaleControls, readAttentionScaleLayout, type AttentionScaleLayout } from '../../scalecrafter/prepare/attention-scale-controls.js';
import { addFreeUControls } from '../../scalecrafter/prepare/freeu-controls.js';
import { prepareUnetFile } from '../../scalecrafter/prepare/prepare-unet-file.js';
import { readPreparedUnetLayout, type PreparedUnetLayout } from '../../scalecrafter/prepare/prepared-unet-format.js';
import type { ConvName } from '../../scalecrafter/unet-convs.js';

export interface PreparedUnetInfo {
  modelPath: string;
  layout: PreparedUnetLayout;
  attentionScale: AttentionScaleLayout;
}

const prepared = new Map<string, Promise<PreparedUnetInfo>>();
const candidates = new Map<string, Promise<ConvName[]>>();

function fingerprint(unetPath: string): string {
  const info = statSync(unetPath);
  return createHash('sha256').update(`${path.resolve(unetPath)}|${info.size}|${info.mtimeMs}`).digest('hex').slice(0, 24);
}

/** The UNet's re-dilatable convs (module paths), read from the graph alone (weights stay on disk). */
export function candidateConvsOf(unetPath: string): Promise<ConvName[]> {
  const key = fingerprint(unetPath);
  let list = candidates.get(key);
  if (!list) {
    list = readModel(unetPath).then((model) => findCandidateConvs(model).candidates.map((conv) => conv.name));
    candidates.set(key, list);
    list.catch(() => candidates.delete(key));
  }
  return list;
}

/** The dispersion transform R is solved into the prepared graph, so each η (and k→K, s) has its own preparation. */
export function preparedUnetFor(unetPath: string, dispersion: DispersionTransformParams = DEFAULT_DISPERSION_PARAMS, cacheDir: string = defaultCacheDir()): Promise<PreparedUnetInfo> {
  const { smallKernelSize, largeKernelSize, upsampleFactor, eta } = dispersion;
  // 'all-controls-3' names what the preparation adds (3: stride-1 convs re-dilate through their main Conv); bump it when that changes, so old caches are not reused.
  const key = `${fingerprint(unetPath)}-all-controls-3-k${smallKernelSize}K${largeKernelSize}s${upsampleFactor}eta${eta}`;
  let info = prepared.get(key);
  if (!info) {
    info = prepareCached(unetPath, path.join(cacheDir, 'prepared-unets', key), dispersion);
    prepared.set(key, info);
    info.catch(() => prepared.delete(key));
  }
  return info;
}

async function prepareCached(unetPath: string, folder: string, dispersion: DispersionTransformParams): Promise<PreparedUnetInfo> {
  const modelPath = path.join(folder, 'model.onnx');
  if (!existsSync(modelPath)) {
    // Prepared aside and renamed into place: a half-written cache entry is never used.
    const staging = `${folder}.partial-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    // The app's prepared UNet carries every control: conv dilation/dispersion, FreeU and Attn-SF.
    await prepareUnetFile(unetPath, path.join(staging, 'model.onnx'), { dispersion, rewrites: [addFreeUControls, addAttentionScaleControls] });
    await mkdir(path.dirname(folder), { recursive: true });
    await rename(staging, folder).catch(async (error: NodeJS.ErrnoException) => {
      // Another worker finished first: keep its copy.
      await rm(staging, { recursive: true, force: true });
      if (!existsSync(modelPath)) throw error;
    });
  }
  const model = await readModel(modelPath);
  const attentionScale = readAttentionScaleLayout(model);
  if (!attentionScale) throw new Error(`${modelPath} lacks its attention-scale control; delete the cached folder ${folder} to prepare it again`);
  return { modelPath, layout: readPreparedUnetLayout(model), attentionScale };
}
