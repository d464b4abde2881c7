/**
 * A VAE on its own (ComfyUI's models/vae files) → vae_decoder / vae_encoder ONNX graphs in
 * `<modelsDir>/.imported-vae/<name>` (beside, not inside, the checkpoints' .imported/, whose
 * names are checkpoint file names), converted once (checkpoint-cache.ts). The file's layout is
 * read off its keys:
 * - the original one: keys under "first_stage_model." (a VAE cut out of a checkpoint) or bare
 *   "encoder." / "decoder." (what ComfyUI's VAE files and vae-ft-mse-840000 hold), mapped as a
 *   checkpoint's VAE is (vae-keys.ts), the architecture read off the shapes (vae-architecture.ts);
 * - diffusers names ("encoder.down_blocks.…", diffusion_pytorch_model.safetensors), with diffusers'
 *   config.json beside the file (`<name>.json`, else `config.json`).
 * The latent scale is the VAE's: scaling_factor of a config beside the file, else SD's 0.18215
 * (an original-layout file does not say; SDXL's VAE needs a `<name>.json` with 0.13025).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import { writeFolderAtomically } from '../folder-swap.js';
import { readJson, type VaeModel } from '../pipeline-folder.js';
import { writeComponent } from '../sd/component-writer.js';
import { buildVaeDecoder, buildVaeEncoder } from '../sd/vae.js';
import { parseVaeConfig, vaeScaleFactor, type VaeConfig } from '../sd/vae-config.js';
import type { SafetensorsFile } from '../weights/safetensors-file.js';
import { convertOnce, type StampWriter } from './checkpoint-cache.js';
import { checkpointShapes, openCheckpointFile } from './checkpoint-file.js';
import { CheckpointWeights } from './checkpoint-weights.js';
import type { CheckpointShapes, KeyMapping } from './tensor-recipe.js';
import { vaeConfigJson } from './vae-architecture.js';
import { LDM_VAE_PREFIX, mapVaeKeys } from './vae-keys.js';

const IMPORTED_VAE_FOLDER = '.imported-vae';

export interface VaeImportOptions {
  modelsDir: string;
  onProgress?: (done: number, total: number) => void;
}

interface VaePlan {
  config: Record<string, unknown>;
  mapping: KeyMapping;
}

export function importedVaeFolderFor(file: string, modelsDir: string): string {
  return path.join(path.resolve(modelsDir), IMPORTED_VAE_FOLDER, path.basename(file, path.extname(file)));
}

/** diffusers' config.json for the file: `<name>.json` beside it, else the folder's config.json; null when neither exists. */
function configBeside(file: string): Record<string, unknown> | null {
  const own = path.join(path.dirname(file), `${path.basename(file, path.extname(file))}.json`);
  const shared = path.join(path.dirname(file), 'config.json');
  const found = [own, shared].find((candidate) => existsSync(candidate));
  return found === undefined ? null : readJson(found, 'write the VAE\'s diffusers config.json beside it');
}

function originalLayoutPrefix(shapes: CheckpointShapes): string | null {
  return [LDM_VAE_PREFIX, ''].find((prefix) => shapes.has(`${prefix}encoder.down.0.block.0.conv1.weight`) && shapes.has(`${prefix}decoder.conv_in.weight`)) ?? null;
}

function planVae(shapes: CheckpointShapes, file: string): VaePlan {
  const beside = configBeside(file);
  const prefix = originalLayoutPrefix(shapes);
  if (prefix !== null) {
    const config = vaeConfigJson(shapes, 'sd1', file, prefix);
    return { config: { ...config, ...(typeof beside?.scaling_factor === 'number' ? { scaling_factor: beside.scaling_factor } : {}) }, mapping: mapVaeKeys(shapes, prefix) };
  }
  if (shapes.has('encoder.down_blocks.0.resnets.0.conv1.weight')) {
    if (beside === null) {
      throw new UserFacingError(`${file} holds a VAE with diffusers names but no config.json is beside it`, {
        hint: `put the VAE's diffusers config.json next to it (as ${path.basename(file, path.extname(file))}.json or config.json)`,
      });
    }
    return { config: beside, mapping: new Map([...shapes].map(([name, shape]) => [name, { source: name, shape }])) };
  }
  const sample = [...shapes.keys()].slice(0, 3).map((name) => `"${name}"`).join(', ');
  throw new UserFacingError(`${file} is not a VAE: its keys (${sample}, …) have no encoder.conv_in / decoder.up.N (original layout) nor encoder.down_blocks (diffusers)`, {
    hint: 'choose a VAE file (ComfyUI\'s models/vae); a full checkpoint goes into Load Checkpoint',
  });
}

async function writeVaeGraphs(file: SafetensorsFile, plan: VaePlan, staging: string, options: VaeImportOptions): Promise<void> {
  const vae = parseVaeConfig(plan.config);
  let done = 0;
  const weights = new CheckpointWeights(file, plan.mapping, 'vae', () => options.onProgress?.(++done, plan.mapping.size));
  const metadata = { 'scalecrafter.source': `imported from ${path.basename(file.path)}` };
  await writeComponent(staging, 'vae_decoder', buildVaeDecoder(vae, weights, { dtype: 'float32', metadata }), plan.config);
  await writeComponent(staging, 'vae_encoder', buildVaeEncoder(vae, weights, { dtype: 'float32', metadata }), plan.config);
}

async function convertVaeFile(file: string, folder: string, stamp: StampWriter, options: VaeImportOptions): Promise<string> {
  const safetensors = await openCheckpointFile(file);
  try {
    const plan = planVae(checkpointShapes(safetensors), file);
    return await writeFolderAtomically(folder, async (staging) => {
      await writeVaeGraphs(safetensors, plan, staging, options);
      await stamp(staging);
    }, { overwrite: true });
  } finally {
    await safetensors.close();
  }
}

/** The converted VAE folder of `file` (converting it when new or changed); `converted` says whether this call did. */
export async function importVaeFile(file: string, options: VaeImportOptions): Promise<{ folder: string; converted: boolean }> {
  const folder = importedVaeFolderFor(file, options.modelsDir);
  const result = await convertOnce(file, folder, (stamp) => convertVaeFile(file, folder, stamp, options));
  return { folder: result.folder, converted: result.converted !== null };
}

/** A converted VAE folder as the VAE socket carries it. */
export function openVaeFolder(folder: string, name: string): VaeModel {
  const configFile = path.join(folder, 'vae_decoder', 'config.json');
  const config: VaeConfig = parseVaeConfig(readJson(configFile));
  const factor = vaeScaleFactor(config);
  return {
    root: folder,
    name,
    latentScale: config.scalingFactor,
    latentChannels: config.latentChannels,
    vaeScaleFactor: factor,
    pixelSpace: false,
    imageSizeMultiple: factor,
    vaeDecoder: path.join(folder, 'vae_decoder', 'model.onnx'),
    vaeEncoder: path.join(folder, 'vae_encoder', 'model.onnx'),
  };
}
