/**
 * What LoadCheckpoint's `model` names: a diffusers-ONNX pipeline folder (a name under the models
 * folder, or an absolute path) or a single-file checkpoint (a ComfyUI-style name found by
 * model-files.ts, or an absolute path), which the node converts once into a pipeline folder.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EngineConfig } from '../engine/engine-config.js';
import { UserFacingError } from '../protocol/user-facing-error.js';
import { findModelFile, isModelFileName, listModelFiles, modelFileFolders } from './model-files.js';
import { listModelFolders, resolveModelFolder } from './pipeline-folder.js';

export type ModelSource = { readonly kind: 'folder'; readonly root: string } | { readonly kind: 'checkpoint'; readonly file: string };

type ModelsConfig = Pick<EngineConfig, 'modelsDir' | 'comfyui'>;

const SHOWN_CHOICES = 30;

const isFolder = (folder: string) => existsSync(folder) && statSync(folder).isDirectory();

/** Pipeline folders, then checkpoint files: one list, as the widget offers them. */
export function modelChoices(config: ModelsConfig): string[] {
  return [...listModelFolders(config.modelsDir), ...listModelFiles(config, 'checkpoints')];
}

/** `choices` (the widget's list) only words the error for a name that is neither. */
export function resolveModelSource(config: ModelsConfig, value: string, choices: readonly string[]): ModelSource {
  const root = resolveModelFolder(config.modelsDir, value);
  if (isFolder(root)) return { kind: 'folder', root };
  const file = findModelFile(config, 'checkpoints', value);
  if (file !== null) return { kind: 'checkpoint', file };
  // A ComfyUI workflow names a file: a pipeline folder of the file's stem stands for it.
  const stem = resolveModelFolder(config.modelsDir, value.replace(/\.[^./\\]+$/, ''));
  if (isModelFileName(value) && isFolder(stem)) return { kind: 'folder', root: stem };
  throw unknownModel(config, value, choices);
}

function unknownModel(config: ModelsConfig, value: string, choices: readonly string[]): UserFacingError {
  const where = path.isAbsolute(value)
    ? `${value} does not exist`
    : `it is neither a pipeline folder in ${config.modelsDir} nor a checkpoint file in ${modelFileFolders(config, 'checkpoints').join(', ')}`;
  const shown = choices.slice(0, SHOWN_CHOICES).join(', ');
  const more = choices.length > SHOWN_CHOICES ? ` (and ${choices.length - SHOWN_CHOICES} more)` : '';
  return new UserFacingError(`model not found: "${value}": ${where}`, {
    field: 'model',
    hint: choices.length > 0
      ? `choose one of: ${shown}${more}`
      : `put a .safetensors checkpoint into ${path.join(config.modelsDir, 'checkpoints')}, or a diffusers-ONNX pipeline folder into ${config.modelsDir}`,
  });
}
