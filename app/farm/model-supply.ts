/**
 * Gets a worker the models a route needs: those in its own models folder with the right content,
 * else copied from the farm's shared models location (`worker --models-from DIR`), checked by
 * content hash before and after copying. Says why when it cannot, so the batch can tell the user.
 */
import { randomUUID } from 'node:crypto';
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { EngineConfig } from '../engine/engine-config.js';
import { resolveModelSource } from '../models/model-source.js';
import { identifyModel, type ModelIdentity } from './model-identity.js';

type ModelsConfig = Pick<EngineConfig, 'modelsDir' | 'comfyui'>;

export interface ModelSupply {
  local: ModelsConfig;
  /** The shared models location (a mounted folder laid out as a models folder), if the farm has one. */
  modelsFrom?: string;
}

export type SupplyResult = { ok: true; copied: string[] } | { ok: false; reason: string };

/** Makes every model of `models` present here with the wanted content, copying what is missing. */
export async function supplyModels(models: readonly ModelIdentity[], supply: ModelSupply): Promise<SupplyResult> {
  const copied: string[] = [];
  for (const wanted of models) {
    const here = await identifyModel(supply.local, wanted.name);
    if (here?.fingerprint === wanted.fingerprint) continue;
    const content = `"${wanted.name}" (content ${wanted.fingerprint.slice(0, 12)})`;
    if (here !== null) return { ok: false, reason: `has a different version of the model ${content} in ${supply.local.modelsDir}` };
    if (supply.modelsFrom === undefined) return { ok: false, reason: `does not have the model ${content} in ${supply.local.modelsDir}, and has no --models-from location` };
    const shared = await identifyModel({ modelsDir: supply.modelsFrom }, wanted.name);
    if (shared?.fingerprint !== wanted.fingerprint) {
      const problem = shared === null ? 'is not in' : 'has another version in';
      return { ok: false, reason: `does not have the model ${content}, which ${problem} --models-from ${supply.modelsFrom} either` };
    }
    await copyModel(wanted.name, supply.modelsFrom, supply.local.modelsDir);
    copied.push(wanted.name);
  }
  return { ok: true, copied };
}

/** Copies beside the target and renames, so a half-copied model is never seen under its name. */
async function copyModel(name: string, modelsFrom: string, modelsDir: string): Promise<void> {
  const source = resolveModelSource({ modelsDir: modelsFrom }, name, []);
  const from = source.kind === 'folder' ? source.root : source.file;
  const target = path.join(modelsDir, path.relative(modelsFrom, from));
  const partial = `${target}.partial-${randomUUID()}`;
  await mkdir(path.dirname(target), { recursive: true });
  try {
    await cp(from, partial, { recursive: true, preserveTimestamps: true });
    await rename(partial, target);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}
