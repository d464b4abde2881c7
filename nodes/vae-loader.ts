import path from 'node:path';
import { conversionProgress } from '../app/engine/conversion-progress.js';
import type { EngineConfig } from '../app/engine/engine-config.js';
import { defineNode, type NodeContext } from '../app/engine/node-definition.js';
import { leaseComponent } from '../app/diffusion/pipeline/model-sessions.js';
import { importedVaeFolderFor, importVaeFile, openVaeFolder } from '../app/models/checkpoint/vae-file.js';
import { fileFingerprint, findModelFile, listModelFiles, modelFileFolders } from '../app/models/model-files.js';
import { modelFileChoices } from '../app/models/model-file-choices.js';
import type { VaeModel } from '../app/models/pipeline-folder.js';
import { UserFacingError } from '../app/protocol/user-facing-error.js';

/** The widget's list; a broken ComfyUI location must not stop the node from registering (running it reports the problem). */
function listedVaeFiles(config: EngineConfig): string[] {
  try {
    return listModelFiles(config, 'vae');
  } catch {
    return [];
  }
}

function vaeFileOf(config: EngineConfig, name: string): string {
  const file = findModelFile(config, 'vae', name);
  if (file !== null) return file;
  const choices = listModelFiles(config, 'vae');
  throw new UserFacingError(`VAE not found: "${name}" is not a file in ${modelFileFolders(config, 'vae').join(', ')}`, {
    hint: choices.length > 0 ? `choose one of: ${choices.join(', ')}` : `put a VAE .safetensors into ${path.join(config.modelsDir, 'vae')}`,
  });
}

async function loadVae(config: EngineConfig, name: string, context: NodeContext): Promise<VaeModel> {
  const file = vaeFileOf(config, name);
  const onProgress = conversionProgress(context, file, importedVaeFolderFor(file, config.modelsDir));
  const { folder } = await importVaeFile(file, { modelsDir: config.modelsDir, onProgress });
  const vae = openVaeFolder(folder, name);
  (await leaseComponent(vae.vaeDecoder, 'vae_decoder', context.executionProvider)).release();
  return vae;
}

export function vaeLoaderNode(config: EngineConfig) {
  return defineNode({
    schema: {
      type: 'VAELoader',
      displayName: 'Load VAE',
      category: 'loaders',
      description: 'Loads a VAE from its own .safetensors file (ComfyUI\'s models/vae), converted once; its VAE replaces a checkpoint\'s in VAE Decode / VAE Encode.',
      version: 1,
      outputNode: false,
      idempotent: true,
      inputs: [
        {
          name: 'vae_name',
          kind: 'STRING',
          default: '',
          multiline: false,
          suggestions: listedVaeFiles(config),
          tooltip: 'a file under the models folder\'s vae/ (or ComfyUI\'s), or an absolute path; original layout, or diffusers names with config.json beside it',
        },
      ],
      outputs: [{ name: 'VAE', type: 'VAE' }],
    },
    modelFiles: { vae_name: modelFileChoices(config, 'vae') },
    // The file can be replaced under the same name.
    fingerprint: ({ vae_name }) => fileFingerprint(vaeFileOf(config, vae_name ?? '')),
    execute: async ({ vae_name }, context) => {
      try {
        return { outputs: [{ folder: await loadVae(config, vae_name, context) }] };
      } catch (error) {
        if (error instanceof UserFacingError) throw error.atField('vae_name');
        throw error;
      }
    },
  });
}
