/**
 * ComfyUI's read-only listings: /object_info (all, or one class), /system_stats, /embeddings,
 * /models and /models/{folder}. Model lists come from the loaders' own choices, so they show what
 * LoadCheckpoint and VAELoader would find.
 */
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { NodeSchema } from '../../protocol/index.js';
import type { ComfyFolders } from './comfy-folders.js';
import { comfyObjectInfo, type ComfyNodeInfo } from './object-info.js';

/** Which loader's choices list a ComfyUI model folder. */
const MODEL_FOLDERS: Readonly<Record<string, { type: string; input: string }>> = {
  checkpoints: { type: 'LoadCheckpoint', input: 'model' },
  vae: { type: 'VAELoader', input: 'vae_name' },
};

/** /object_info with LoadImage's `image` as ComfyUI lists it: the input folder's images, with an upload button. */
export async function objectInfoWithInputs(schemas: readonly NodeSchema[], folders: ComfyFolders): Promise<Record<string, ComfyNodeInfo>> {
  const info = comfyObjectInfo(schemas);
  const loadImage = info.LoadImage;
  if (loadImage && 'image' in loadImage.input.required) {
    const names = await readdir(folders.inputDir, { withFileTypes: true }).catch(() => []);
    const images = names.filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith('.png')).map((entry) => entry.name).sort();
    loadImage.input.required.image = [images, { image_upload: true }];
  }
  return info;
}

export function modelFolders(): string[] {
  return Object.keys(MODEL_FOLDERS);
}

/** The files a ComfyUI model folder holds here, or undefined for a folder this app does not use. */
export function modelFolderFiles(schemas: readonly NodeSchema[], folder: string): string[] | undefined {
  const source = Object.hasOwn(MODEL_FOLDERS, folder) ? MODEL_FOLDERS[folder] : undefined;
  if (!source) return undefined;
  const spec = schemas.find((schema) => schema.type === source.type)?.inputs.find((input) => input.name === source.input);
  return spec?.kind === 'STRING' ? [...(spec.suggestions ?? [])] : [];
}

/** server.py `system_stats`' shape. ONNX Runtime picks the device per run, so the device is the host's memory. */
export function systemStats(): Record<string, unknown> {
  return {
    system: {
      os: process.platform === 'win32' ? 'nt' : 'posix',
      ram_total: os.totalmem(),
      ram_free: os.freemem(),
      comfyui_version: 'ScaleCrafter Studio (ComfyUI-compatible API)',
      python_version: '',
      pytorch_version: '',
      embedded_python: false,
      argv: process.argv.map((arg) => path.basename(arg)),
    },
    devices: [{ name: 'ONNX Runtime (execution provider chosen per run)', type: 'cpu', index: null, vram_total: 0, vram_free: 0, torch_vram_total: 0, torch_vram_free: 0 }],
  };
}
