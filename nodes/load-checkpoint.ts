import { existsSync } from 'node:fs';
import path from 'node:path';
import { conversionProgress } from '../app/engine/conversion-progress.js';
import type { EngineConfig } from '../app/engine/engine-config.js';
import { defineNode, type NodeContext } from '../app/engine/node-definition.js';
import { describeProvider, leaseComponent, releaseFolderSessions, switchToModelFolder } from '../app/diffusion/pipeline/model-sessions.js';
import type { ComponentRole } from '../app/diffusion/pipeline/model-signature.js';
import { bundledModelNames, copyBundledModel } from '../app/models/bundled-models.js';
import { importCheckpoint, importedFolderFor, type PredictionType } from '../app/models/checkpoint/index.js';
import { fileFingerprint, modelFileFolders } from '../app/models/model-files.js';
import { modelChoices, resolveModelSource } from '../app/models/model-source.js';
import { openPipelineFolder, resolveModelFolder } from '../app/models/pipeline-folder.js';
import { buildFromSources, isBuiltFromSources, pipelineSourcesOf } from '../app/models/pipeline-sources.js';
import { DEFAULT_TINY_SD_FOLDER, writeTinyStableDiffusion } from '../app/models/tiny-sd.js';
import { DEFAULT_TINY_SDXL_FOLDER, writeTinyStableDiffusionXL } from '../app/models/tiny-sdxl.js';
import { UserFacingError } from '../app/protocol/user-facing-error.js';

/** The seeded test-size pipelines (noise until trained), created on first use when missing. */
const TINY_PIPELINES: Readonly<Record<string, (folder: string) => Promise<string>>> = {
  [path.basename(DEFAULT_TINY_SD_FOLDER)]: (folder) => writeTinyStableDiffusion(folder),
  [path.basename(DEFAULT_TINY_SDXL_FOLDER)]: (folder) => writeTinyStableDiffusionXL(folder),
};
/** The project's trained emoji model (models/README.md): what a new LoadCheckpoint node starts with. */
const DEFAULT_MODEL_NAME = 'emoji-pixel-32';

/** A folder kept as safetensors sources (models/emoji-pixel-32) gets its ONNX graphs on first use and after new weights. */
async function buildFromSourcesIfNeeded(root: string, context: NodeContext): Promise<void> {
  const sources = pipelineSourcesOf(root);
  if (sources === null || isBuiltFromSources(sources)) return;
  context.message('info', `building the ONNX graphs of ${path.basename(root)} from its safetensors weights (first use, or new weights)`);
  await releaseFolderSessions(root);
  let report;
  try {
    report = await buildFromSources(sources);
  } catch (error) {
    throw new UserFacingError(`building ${root} from its sources failed: ${(error as Error).message}`, { field: 'model', hint: 'restore the folder (git checkout models/), or write it again with tools/train/pack-model.ts', cause: error });
  }
  for (const { file, tensors } of report.unexpectedTensors) {
    context.message('warning', `${tensors.length} tensor(s) in ${file} were not used (another architecture?): ${tensors.slice(0, 5).join(', ')}${tensors.length > 5 ? ', …' : ''}`);
  }
}

/** A bundled model (the packaged app's read-only resources/models) is copied into the models folder on first use. */
async function copyBundledModelIfMissing(config: EngineConfig, model: string, context: NodeContext): Promise<void> {
  let copied;
  try {
    copied = await copyBundledModel(config.modelsDir, config.bundledModelsDir, model);
  } catch (error) {
    throw new UserFacingError(`copying the bundled model ${model} into ${config.modelsDir} failed: ${(error as Error).message}`, { field: 'model', hint: 'check that the models folder is writable and has room', cause: error });
  }
  if (copied !== null) context.message('info', `copied the bundled model ${model} into ${copied} (first use)`);
}

/** A checkpoint file's pipeline folder, converted on first use (and after the file changes) with progress on the node. */
async function importCheckpointIfNeeded(config: EngineConfig, file: string, prediction: PredictionType | 'auto' | undefined, context: NodeContext): Promise<string> {
  const progress = conversionProgress(context, file, importedFolderFor(file, config.modelsDir));
  const onProgress = ({ done, total }: { done: number; total: number }) => progress(done, total);
  const given = prediction === undefined || prediction === 'auto' ? {} : { prediction };
  return (await importCheckpoint(file, { modelsDir: config.modelsDir, onProgress, ...given })).folder;
}

/** The widget's list; a broken ComfyUI location must not stop the node from registering (running it reports the problem). */
function listedChoices(config: EngineConfig): string[] {
  try {
    return modelChoices(config);
  } catch {
    return [];
  }
}

function resolvesToModel(config: EngineConfig, value: string): boolean {
  try {
    resolveModelSource(config, value, []);
    return true;
  } catch (error) {
    if (error instanceof UserFacingError) return false;
    throw error;
  }
}

/** Every name the `model` widget offers: the default model, the test-size ones, bundled models, then the models folder's (and ComfyUI's). */
export function checkpointChoices(config: EngineConfig): string[] {
  return [...new Set([DEFAULT_MODEL_NAME, ...Object.keys(TINY_PIPELINES), ...bundledModelNames(config.bundledModelsDir), ...listedChoices(config)])];
}

export function loadCheckpointNode(config: EngineConfig) {
  const choices = () => checkpointChoices(config);
  return defineNode({
    schema: {
      type: 'LoadCheckpoint',
      displayName: 'Load Checkpoint',
      category: 'loaders',
      description: 'Loads a diffusers-ONNX pipeline folder (a name under models/, or an absolute path) or a single-file .safetensors checkpoint (converted once) as MODEL, CLIP and VAE; a folder kept as safetensors sources is built first.',
      version: 2,
      outputNode: false,
      idempotent: true,
      inputs: [
        {
          name: 'model',
          kind: 'STRING',
          default: DEFAULT_MODEL_NAME,
          multiline: false,
          suggestions: choices(),
          modelList: 'checkpoints',
          tooltip: 'a pipeline folder under the models folder, a checkpoint file under its checkpoints/ folder (or ComfyUI\'s), or an absolute path to either',
        },
        {
          name: 'prediction',
          kind: 'COMBO',
          options: ['auto', 'epsilon', 'v_prediction'],
          default: 'auto',
          optional: true,
          tooltip: 'checkpoint files only: what the UNet predicts; auto detects it (docs/checkpoints.md). Changing it converts the file again',
        },
      ],
      outputs: [
        { name: 'MODEL', type: 'MODEL' },
        { name: 'CLIP', type: 'CLIP' },
        { name: 'VAE', type: 'VAE' },
      ],
    },
    // Besides the listed names: any pipeline folder or checkpoint file the name resolves to (an absolute path, a file's stem folder).
    modelFiles: {
      model: {
        kind: 'pipeline folders and checkpoints',
        has: (value) => choices().includes(value) || resolvesToModel(config, value),
        choices,
        folders: () => [config.modelsDir, ...modelFileFolders(config, 'checkpoints')],
      },
    },
    // Version 2 added `prediction`; older files get its default.
    migrations: [{ fromVersion: 1, migrate: (widgets) => ({ ...widgets, prediction: 'auto' }) }],
    // A checkpoint file can be replaced under the same name: the node runs again and reconverts it.
    fingerprint: ({ model }) => {
      const source = resolveModelSource(config, model ?? '', []);
      return source.kind === 'checkpoint' ? fileFingerprint(source.file) : '';
    },
    execute: async ({ model, prediction }, context) => {
      await copyBundledModelIfMissing(config, model, context);
      const root = resolveModelFolder(config.modelsDir, model);
      const writeTiny = Object.hasOwn(TINY_PIPELINES, model) ? TINY_PIPELINES[model] : undefined;
      if (writeTiny && !existsSync(root)) {
        context.message('info', `creating the test-size model ${model} in ${root} (first use)`);
        await writeTiny(root);
      }
      let folder;
      try {
        const source = resolveModelSource(config, model, choices());
        const pipelineRoot = source.kind === 'folder' ? source.root : await importCheckpointIfNeeded(config, source.file, prediction, context);
        await buildFromSourcesIfNeeded(pipelineRoot, context);
        folder = openPipelineFolder(pipelineRoot);
      } catch (error) {
        if (error instanceof UserFacingError) throw error.atField('model');
        throw error;
      }
      const released = await switchToModelFolder(folder.root);
      if (released > 0) context.message('info', `released ${released} session${released === 1 ? '' : 's'} of the previous model`);
      // Open every component now, so a corrupt or mismatched file is reported here, on this field.
      const components: Array<[string | null, ComponentRole]> = [
        [folder.textEncoder, 'text_encoder'],
        [folder.textEncoder2, 'text_encoder_2'],
        [folder.unet, folder.family === 'sdxl' ? 'sdxl_unet' : 'unet'],
        [folder.vaeDecoder, 'vae_decoder'],
        [folder.vaeEncoder, 'vae_encoder'],
      ];
      for (const [file, role] of components) {
        if (!file) continue;
        try {
          (await leaseComponent(file, role, context.executionProvider)).release();
        } catch (error) {
          throw new UserFacingError((error as Error).message, { field: 'model', hint: 'the model files are damaged or not a diffusers-ONNX pipeline; re-export or re-download them', cause: error });
        }
      }
      context.message('info', `${folder.name}: ${await describeProvider(context.executionProvider)}`);
      return { outputs: [{ folder, patches: [] }, { folder }, { folder }] };
    },
  });
}
