/**
 * The generic model-file check for a widget naming a file of one kind (checkpoints, vae, loras…):
 * a node declares `modelFiles: { vae_name: modelFileChoices(config, 'vae') }` and validation refuses a
 * name that is no file of that kind, listing those there are.
 */
import type { EngineConfig } from '../engine/engine-config.js';
import type { ModelFileChoices } from '../engine/node-definition.js';
import { findModelFile, listModelFiles, modelFileFolders, type ModelFileKind } from './model-files.js';

export function modelFileChoices(config: Pick<EngineConfig, 'modelsDir' | 'comfyui'>, kind: ModelFileKind): ModelFileChoices {
  return {
    kind,
    has: (value) => value !== '' && findModelFile(config, kind, value) !== null,
    choices: () => listModelFiles(config, kind),
    folders: () => modelFileFolders(config, kind),
  };
}
