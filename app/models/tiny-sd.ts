/**
 * The default model: a complete Stable-Diffusion-architecture pipeline at test size, in the
 * diffusers-ONNX folder layout (ORT-NOTES.md "Exported SD pipelines"), built from a fixed seed so
 * it is identical everywhere and the default workflow runs on any machine in seconds. Sizes follow
 * diffusers' own tiny test pipelines (presets.ts); its images are noise until trained weights
 * replace the seeded ones.
 *
 * The folder is written next to its final place and renamed into it, so a reader never sees half
 * a pipeline, and an existing pipeline is replaced only when asked to.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateTinyClipVocabulary } from '../diffusion/tokenizer/tiny-clip-vocabulary.js';
import { writeClipTokenizerFolder } from '../diffusion/tokenizer/tokenizer-folder.js';
import { writeFolderAtomically } from './folder-swap.js';
import { SeededWeights } from './weights/seeded-weights.js';
import { buildClipTextModel } from './sd/clip-text.js';
import { parseClipTextConfig } from './sd/clip-text-config.js';
import { writeComponent } from './sd/component-writer.js';
import { componentOptions, onnxPipelineModelIndex, schedulerConfigFileText, TINY_SD_CONVENTIONS, type ExportConventions } from './sd/export-conventions.js';
import { tinyPipelineConfigs } from './sd/presets.js';
import { buildUNet } from './sd/unet.js';
import { parseUNetConfig } from './sd/unet-config.js';
import { buildVaeDecoder, buildVaeEncoder } from './sd/vae.js';
import { parseVaeConfig } from './sd/vae-config.js';

export { PipelineFolderExistsError } from './folder-swap.js';

export const TINY_SD_SEED = 20231010;
export const DEFAULT_TINY_SD_FOLDER = 'models/tiny-sd';

/** scheduler_config.json of Stable Diffusion 1.x, as a DDIMScheduler (the ScaleCrafter reference's sampler). */
export const TINY_SD_SCHEDULER_CONFIG = {
  _class_name: 'DDIMScheduler',
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  num_train_timesteps: 1000,
  steps_offset: 1,
  clip_sample: false,
  set_alpha_to_one: false,
  prediction_type: 'epsilon',
  timestep_spacing: 'leading',
  trained_betas: null,
};


export interface TinyPipelineOptions {
  seed?: number;
  /** Replace an existing folder (default false: refuse). */
  overwrite?: boolean;
  /** The export layout to write (default TINY_SD_CONVENTIONS); the weights are the same in every one. */
  conventions?: ExportConventions;
  /** scheduler/scheduler_config.json (default TINY_SD_SCHEDULER_CONFIG); its _class_name goes into model_index.json. */
  schedulerConfig?: Record<string, unknown>;
  /** scaling_factor in the VAE's config.json (default 0.18215); null leaves the key out. */
  vaeScalingFactor?: number | null;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Writes the tiny pipeline to `folder` and returns its absolute path. */
export async function writeTinyStableDiffusion(folder: string = DEFAULT_TINY_SD_FOLDER, options: TinyPipelineOptions = {}): Promise<string> {
  return writeFolderAtomically(folder, (staging) => writePipelineFiles(staging, options), { overwrite: options.overwrite === true });
}

async function writePipelineFiles(folder: string, options: TinyPipelineOptions): Promise<void> {
  const seed = options.seed ?? TINY_SD_SEED;
  const vocabulary = generateTinyClipVocabulary();
  const configs = tinyPipelineConfigs(Object.keys(vocabulary.vocab).length);
  const weights = new SeededWeights(seed);
  const metadata = { 'scalecrafter.weights': `seeded random (seed ${seed}); untrained` };
  const layout = componentOptions(options.conventions ?? TINY_SD_CONVENTIONS);
  const schedulerConfig = options.schedulerConfig ?? TINY_SD_SCHEDULER_CONFIG;

  await writeFile(join(folder, 'model_index.json'), json(onnxPipelineModelIndex(String(schedulerConfig._class_name ?? 'DDIMScheduler'))), 'utf8');
  await mkdir(join(folder, 'scheduler'), { recursive: true });
  await writeFile(join(folder, 'scheduler', 'scheduler_config.json'), schedulerConfigFileText(schedulerConfig), 'utf8');
  // SD 1.x pads with <|endoftext|>.
  await writeClipTokenizerFolder(join(folder, 'tokenizer'), vocabulary, { padToken: '<|endoftext|>' });

  const textConfig = { _class_name: 'CLIPTextModel', architectures: ['CLIPTextModel'], model_type: 'clip_text_model', ...configs.textEncoder };
  await writeComponent(folder, 'text_encoder', buildClipTextModel(parseClipTextConfig(configs.textEncoder), weights, { ...layout.textEncoder, metadata }), textConfig, layout.write);
  const unetConfig = { _class_name: 'UNet2DConditionModel', ...configs.unet };
  await writeComponent(folder, 'unet', buildUNet(parseUNetConfig(configs.unet), weights, { ...layout.unet, metadata }), unetConfig, layout.write);
  const vae = parseVaeConfig(configs.vae);
  const { scaling_factor: defaultScale, ...vaeKeys } = configs.vae;
  const scale = options.vaeScalingFactor === undefined ? defaultScale : options.vaeScalingFactor;
  const vaeConfig = { _class_name: 'AutoencoderKL', ...vaeKeys, ...(scale === null ? {} : { scaling_factor: scale }) };
  await writeComponent(folder, 'vae_decoder', buildVaeDecoder(vae, weights, { ...layout.vae, metadata }), vaeConfig, layout.write);
  await writeComponent(folder, 'vae_encoder', buildVaeEncoder(vae, weights, { ...layout.vae, metadata }), vaeConfig, layout.write);
}
