/**
 * The default model: a complete Stable-Diffusion-architecture pipeline at test size, in the
 * diffusers-ONNX folder layout (docs/onnxruntime-findings.md, "Exported SD pipelines"), built from a fixed seed so
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
import { componentOptions, onnxPipelineModelIndex, schedulerConfigFileText, TINY_SD_CONVENTIONS, type ComponentOptions, type ExportConventions } from './sd/export-conventions.js';
import { tinyPipelineConfigs } from './sd/presets.js';
import { buildUNet } from './sd/unet.js';
import { parseUNetConfig } from './sd/unet-config.js';
import { buildVaeDecoder, buildVaeEncoder } from './sd/vae.js';
import { parseVaeConfig, type VaeConfigJson } from './sd/vae-config.js';

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

/** What every tiny pipeline component is built with. */
export interface TinyBuildContext {
  weights: SeededWeights;
  metadata: Record<string, string>;
  layout: ComponentOptions;
}

export function tinyBuildContext(seed: number, conventions: ExportConventions = TINY_SD_CONVENTIONS): TinyBuildContext {
  return { weights: new SeededWeights(seed), metadata: { 'scalecrafter.weights': `seeded random (seed ${seed}); untrained` }, layout: componentOptions(conventions) };
}

/** model_index.json and scheduler/scheduler_config.json. */
export async function writeIndexAndScheduler(folder: string, modelIndex: Record<string, unknown>, schedulerConfig: Record<string, unknown>): Promise<void> {
  await writeFile(join(folder, 'model_index.json'), json(modelIndex), 'utf8');
  await mkdir(join(folder, 'scheduler'), { recursive: true });
  await writeFile(join(folder, 'scheduler', 'scheduler_config.json'), schedulerConfigFileText(schedulerConfig), 'utf8');
}

/** vae_decoder and vae_encoder from one AutoencoderKL config; `scale` null leaves scaling_factor out of config.json. */
export async function writeTinyVae(folder: string, vaeJson: VaeConfigJson, scale: number | null, build: TinyBuildContext): Promise<void> {
  const vae = parseVaeConfig(vaeJson);
  const { scaling_factor: _scale, ...vaeKeys } = vaeJson;
  const vaeConfig = { _class_name: 'AutoencoderKL', ...vaeKeys, ...(scale === null ? {} : { scaling_factor: scale }) };
  const options = { ...build.layout.vae, metadata: build.metadata };
  await writeComponent(folder, 'vae_decoder', buildVaeDecoder(vae, build.weights, options), vaeConfig, build.layout.write);
  await writeComponent(folder, 'vae_encoder', buildVaeEncoder(vae, build.weights, options), vaeConfig, build.layout.write);
}

async function writePipelineFiles(folder: string, options: TinyPipelineOptions): Promise<void> {
  const build = tinyBuildContext(options.seed ?? TINY_SD_SEED, options.conventions);
  const { layout, metadata, weights } = build;
  const vocabulary = generateTinyClipVocabulary();
  const configs = tinyPipelineConfigs(Object.keys(vocabulary.vocab).length);
  const schedulerConfig = options.schedulerConfig ?? TINY_SD_SCHEDULER_CONFIG;

  await writeIndexAndScheduler(folder, onnxPipelineModelIndex(String(schedulerConfig._class_name ?? 'DDIMScheduler')), schedulerConfig);
  // SD 1.x pads with <|endoftext|>.
  await writeClipTokenizerFolder(join(folder, 'tokenizer'), vocabulary, { padToken: '<|endoftext|>' });

  const textConfig = { _class_name: 'CLIPTextModel', architectures: ['CLIPTextModel'], model_type: 'clip_text_model', ...configs.textEncoder };
  await writeComponent(folder, 'text_encoder', buildClipTextModel(parseClipTextConfig(configs.textEncoder), weights, { ...layout.textEncoder, metadata }), textConfig, layout.write);
  const unetConfig = { _class_name: 'UNet2DConditionModel', ...configs.unet };
  await writeComponent(folder, 'unet', buildUNet(parseUNetConfig(configs.unet), weights, { ...layout.unet, metadata }), unetConfig, layout.write);
  await writeTinyVae(folder, configs.vae, options.vaeScalingFactor === undefined ? (configs.vae.scaling_factor ?? null) : options.vaeScalingFactor, build);
}
