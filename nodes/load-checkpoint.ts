import { existsSync } from 'node:fs';
import path from 'node:path';
import type { EngineConfig } from '../app/engine/engine-config.js';
import { defineNode } from '../app/engine/node-definition.js';
import { NodeError } from '../app/engine/node-error.js';
import { describeProvider, leaseComponent, switchToModelFolder } from '../app/diffusion/pipeline/model-sessions.js';
import type { ComponentRole } from '../app/diffusion/pipeline/model-signature.js';
import { listModelFolders, ModelFolderError, openPipelineFolder, resolveModelFolder } from '../app/models/pipeline-folder.js';
import { DEFAULT_TINY_SD_FOLDER, writeTinyStableDiffusion } from '../app/models/tiny-sd.js';

/** The bundled default model; created on first use when missing. */
const DEFAULT_TINY_SD_NAME = path.basename(DEFAULT_TINY_SD_FOLDER);

export function loadCheckpointNode(config: EngineConfig) {
  return defineNode({
    schema: {
      type: 'LoadCheckpoint',
      displayName: 'Load Checkpoint',
      category: 'loaders',
      description: 'Loads a diffusers-ONNX pipeline folder (a name under models/, or an absolute path) as MODEL, CLIP and VAE.',
      version: 1,
      outputNode: false,
      idempotent: true,
      inputs: [
        {
          name: 'model',
          kind: 'STRING',
          default: DEFAULT_TINY_SD_NAME,
          multiline: false,
          suggestions: [...new Set([DEFAULT_TINY_SD_NAME, ...listModelFolders(config.modelsDir)])],
          tooltip: 'a folder under the models folder, or the absolute path of a diffusers-ONNX export',
        },
      ],
      outputs: [
        { name: 'MODEL', type: 'MODEL' },
        { name: 'CLIP', type: 'CLIP' },
        { name: 'VAE', type: 'VAE' },
      ],
    },
    execute: async ({ model }, context) => {
      const root = resolveModelFolder(config.modelsDir, model);
      if (model === DEFAULT_TINY_SD_NAME && !existsSync(root)) {
        context.message('info', `creating the default model in ${root} (first use)`);
        await writeTinyStableDiffusion(root);
      }
      let folder;
      try {
        folder = openPipelineFolder(root);
      } catch (error) {
        if (error instanceof ModelFolderError) throw new NodeError(error.message, { field: 'model', hint: error.hint });
        throw error;
      }
      const released = await switchToModelFolder(folder.root);
      if (released > 0) context.message('info', `released ${released} session${released === 1 ? '' : 's'} of the previous model`);
      // Open every component now, so a corrupt or mismatched file is reported here, on this field.
      const components: Array<[string | null, ComponentRole]> = [
        [folder.textEncoder, 'text_encoder'],
        [folder.unet, 'unet'],
        [folder.vaeDecoder, 'vae_decoder'],
        [folder.vaeEncoder, 'vae_encoder'],
      ];
      for (const [file, role] of components) {
        if (!file) continue;
        try {
          (await leaseComponent(file, role, context.executionProvider)).release();
        } catch (error) {
          throw new NodeError((error as Error).message, { field: 'model', hint: 'the model files are damaged or not a diffusers-ONNX pipeline; re-export or re-download them', cause: error });
        }
      }
      context.message('info', `${folder.name}: ${await describeProvider(context.executionProvider)}`);
      return { outputs: [{ folder, patches: [] }, { folder }, { folder }] };
    },
  });
}
