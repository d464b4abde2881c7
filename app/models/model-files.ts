/**
 * Single model files (checkpoints, VAEs, LoRAs) by the names ComfyUI gives them: the path relative to the
 * kind's folder, subfolders joined with "/" (`SDXL/sd_xl_base_1.0.safetensors`). The folders of a
 * kind are the models folder's own `<kind>/` (ComfyUI's layout), then the ComfyUI install's
 * (engine config `comfyui`); checkpoints may also lie loose in the models folder itself.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EngineConfig } from '../engine/engine-config.js';
import { comfyuiModelFolders } from './comfyui-model-paths.js';

export type ModelFileKind = 'checkpoints' | 'vae' | 'loras';

/** What ComfyUI lists as model files (folder_paths.supported_pt_extensions); .ckpt is listed so choosing it explains the refusal. */
const MODEL_FILE = /\.(safetensors|sft|ckpt|pt|pth|bin)$/i;

export function isModelFileName(name: string): boolean {
  return MODEL_FILE.test(name);
}

/** Folders searched for files of `kind`, first match wins. Those that do not exist are kept: listing skips them. */
export function modelFileFolders(config: Pick<EngineConfig, 'modelsDir' | 'comfyui'>, kind: ModelFileKind): string[] {
  const comfy = config.comfyui ? (comfyuiModelFolders(config.comfyui).get(kind) ?? []) : [];
  return [...new Set([path.join(config.modelsDir, kind), ...comfy])];
}

/** Model files under `folder` (recursively), as "/"-joined relative names. */
function filesUnder(folder: string, recursive: boolean): string[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return [];
  const entries = readdirSync(folder, { recursive }) as string[];
  return entries
    .filter((relative) => isModelFileName(relative) && !relative.split(path.sep).some((part) => part.startsWith('.')))
    .filter((relative) => statSync(path.join(folder, relative)).isFile())
    .map((relative) => relative.split(path.sep).join('/'));
}

/** Every file name of `kind`, sorted, each once (a name in two folders resolves to the first). */
export function listModelFiles(config: Pick<EngineConfig, 'modelsDir' | 'comfyui'>, kind: ModelFileKind): string[] {
  const names = modelFileFolders(config, kind).flatMap((folder) => filesUnder(folder, true));
  if (kind === 'checkpoints') names.push(...filesUnder(config.modelsDir, false));
  return [...new Set(names)].sort();
}

/**
 * The file a name stands for, or null: an absolute path as it is, else the name (either slash)
 * under each folder of `kind` in turn, then (checkpoints) under the models folder.
 */
export function findModelFile(config: Pick<EngineConfig, 'modelsDir' | 'comfyui'>, kind: ModelFileKind, name: string): string | null {
  const isFile = (file: string) => existsSync(file) && statSync(file).isFile();
  if (path.isAbsolute(name)) return isFile(name) ? name : null;
  const relative = name.split(/[\\/]/).join(path.sep);
  const folders = [...modelFileFolders(config, kind), ...(kind === 'checkpoints' ? [config.modelsDir] : [])];
  for (const folder of folders) {
    const file = path.join(folder, relative);
    if (isFile(file)) return file;
  }
  return null;
}

/** Size and modification time: what changes when a model file is replaced under the same name (a loader's cache fingerprint). */
export function fileFingerprint(file: string): string {
  const info = statSync(file);
  return `${info.size}:${info.mtimeMs}`;
}
