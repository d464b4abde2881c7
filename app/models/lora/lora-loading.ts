/**
 * What LoraLoader and LoraLoaderModelOnly do with a file: find it by ComfyUI's name in the loras
 * folders (models/loras, a ComfyUI install's, extra_model_paths.yaml's), check that every module
 * it has for the components the node applies it to lands on a weight of this model (refusing a
 * LoRA of another family there, not at sampling), and say which handle carries it with which
 * strength. Merging happens when a session opens (lora-model.ts).
 */
import path from 'node:path';
import type { EngineConfig } from '../../engine/engine-config.js';
import { readModel } from '../../onnx/model-io.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import { fileFingerprint, findModelFile, listModelFiles, modelFileFolders } from '../model-files.js';
import type { PipelineFolder } from '../pipeline-folder.js';
import { readLoraFile } from './lora-file.js';
import type { AppliedLora } from './lora-merge.js';
import { ComponentWeights, placeModules, type LoraComponent } from './lora-targets.js';

type FileConfig = Pick<EngineConfig, 'modelsDir' | 'comfyui'>;

/** The names LoraLoader offers (as LoadCheckpoint offers checkpoints); a broken ComfyUI location lists none rather than failing. */
export function loraChoices(config: FileConfig): string[] {
  try {
    return listModelFiles(config, 'loras');
  } catch {
    return [];
  }
}

/** The file a lora_name stands for. Throws UserFacingError listing the choices. */
export function findLoraFile(config: FileConfig, name: string): string {
  const file = findModelFile(config, 'loras', name);
  if (file !== null) return file;
  const choices = listModelFiles(config, 'loras');
  throw new UserFacingError(`LoRA not found: "${name}" is not a file in ${modelFileFolders(config, 'loras').join(', ')}`, {
    hint: choices.length > 0 ? `choose one of: ${choices.join(', ')}` : `put a LoRA .safetensors into ${path.join(config.modelsDir, 'loras')}`,
  });
}

const TEXT_ENCODERS: readonly LoraComponent[] = ['text_encoder', 'text_encoder_2'];

async function componentGraphs(folder: PipelineFolder, applied: readonly LoraComponent[]): Promise<Partial<Record<LoraComponent, ComponentWeights>>> {
  const files: Record<LoraComponent, string | null> = { unet: folder.unet, text_encoder: folder.textEncoder, text_encoder_2: folder.textEncoder2 };
  const graphs: Partial<Record<LoraComponent, ComponentWeights>> = {};
  for (const component of applied) {
    const file = files[component];
    if (file !== null) graphs[component] = new ComponentWeights(await readModel(file));
  }
  return graphs;
}

export interface LoraStrengths {
  readonly model: number;
  /** null: the UNet only (LoraLoaderModelOnly); the file's text-encoder modules are skipped */
  readonly clip: number | null;
}

/** The LoRA as the MODEL and the CLIP carry it (null where it changes nothing there). Throws UserFacingError when it does not fit. */
export async function applyLoraFile(file: string, folder: PipelineFolder, strengths: LoraStrengths): Promise<{ model: AppliedLora | null; clip: AppliedLora | null }> {
  const applied: LoraComponent[] = [...(strengths.model !== 0 ? ['unet' as const] : []), ...(strengths.clip !== null && strengths.clip !== 0 ? TEXT_ENCODERS : [])];
  if (applied.length === 0) return { model: null, clip: null };
  const placed = placeModules(file, await readLoraFile(file), { applied, graphs: await componentGraphs(folder, applied), modelName: folder.name });
  const fingerprint = fileFingerprint(file);
  const carried = (components: readonly LoraComponent[], strength: number | null): AppliedLora | null => {
    const touched = components.filter((component) => placed.has(component));
    return strength === null || strength === 0 || touched.length === 0 ? null : { file, fingerprint, strength, components: touched };
  };
  return { model: carried(['unet'], strengths.model), clip: carried(TEXT_ENCODERS, strengths.clip) };
}
