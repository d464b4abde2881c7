/**
 * A Stable Diffusion pipeline in the diffusers/optimum ONNX folder layout (docs/onnxruntime-findings.md, "Exported
 * SD pipelines"): what is there, what family it is, and the scheduler and latent space (channels,
 * VAE factor, scale) its config files give. Reading a folder opens no ONNX session; the model
 * wrappers do that on demand.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseSchedulerConfigText, SCHEDULER_CONFIG_PROBLEM, STABLE_DIFFUSION_SCHEDULER_CONFIG, type SchedulerConfig, type TimestepSpacing } from '../diffusion/schedulers/index.js';
import { PIXEL_SPACE_VAE_CLASS } from './pixel-space-vae.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

export type ModelFamily = 'sd1' | 'sd2' | 'sdxl';

export interface PipelineFolder {
  root: string;
  name: string;
  family: ModelFamily;
  scheduler: SchedulerConfig;
  /** SD 1/2: 0.18215, SDXL: 0.13025; from vae_decoder/config.json's scaling_factor when it says. */
  latentScale: number;
  /** The UNet's latent channels: vae_decoder/config.json latent_channels (SD: 4; a pixel-space model: 3). */
  latentChannels: number;
  /** Image pixels per latent pixel along a side: diffusers' vae_scale_factor, 2 ** (len(block_out_channels) - 1) (SD: 8; pixel space: 1). */
  vaeScaleFactor: number;
  /** The VAE is the pixel-space identity (pixel-space-vae.ts): latents are the RGB image in [-1, 1]. */
  pixelSpace: boolean;
  /** Image sides divisible by this keep every UNet level even: the VAE factor × 2 per UNet downsampling (SD: 64). */
  imageSizeMultiple: number;
  tokenizerDir: string;
  textEncoder: string;
  /** SDXL's second tokenizer and text encoder (CLIPTextModelWithProjection); null for SD 1/2. */
  tokenizer2Dir: string | null;
  textEncoder2: string | null;
  /** model_index.json's force_zeros_for_empty_prompt (SDXL base: true): an empty negative prompt means zero embeddings. */
  forceZerosForEmptyPrompt: boolean;
  unet: string;
  vaeDecoder: string;
  vaeEncoder: string | null;
}

/**
 * What decoding and encoding need of a VAE: a pipeline folder's, or one loaded on its own by
 * VAELoader (app/models/checkpoint/vae-file.ts), whose latent space comes from its own config.
 */
export type VaeModel = Pick<PipelineFolder, 'root' | 'name' | 'latentScale' | 'latentChannels' | 'vaeScaleFactor' | 'pixelSpace' | 'imageSizeMultiple' | 'vaeDecoder' | 'vaeEncoder'>;

const LATENT_SCALE: Record<ModelFamily, number> = { sd1: 0.18215, sd2: 0.18215, sdxl: 0.13025 };
/** What an export without vae_decoder/config.json (or without the keys) is taken to be: SD's VAE and its 4-level UNet. */
const SD_LATENT_CHANNELS = 4;
const SD_VAE_LEVELS = 4;
const SD_UNET_LEVELS = 4;

/**
 * The `timestep_spacing` each diffusers scheduler class's constructor defaults to. diffusers records
 * every constructor argument in `scheduler.config` when it loads a folder, so switching samplers
 * the diffusers way, `EulerDiscreteScheduler.from_config(pipe.scheduler.config)`, keeps the shipped
 * class's spacing even when scheduler_config.json predates the key (SD 1.5's PNDMScheduler and
 * SD 2.1's DDIMScheduler files have none: "leading"). Source: the classes' __init__ signatures.
 */
const CLASS_TIMESTEP_SPACING: Readonly<Record<string, TimestepSpacing>> = {
  DDIMScheduler: 'leading',
  DDPMScheduler: 'leading',
  PNDMScheduler: 'leading',
  EulerDiscreteScheduler: 'linspace',
  EulerAncestralDiscreteScheduler: 'linspace',
  DPMSolverMultistepScheduler: 'linspace',
  LMSDiscreteScheduler: 'linspace',
};

/** Resolves a widget value (a folder name under models/, or an absolute path) to a pipeline folder. */
export function resolveModelFolder(modelsDir: string, value: string): string {
  return path.isAbsolute(value) ? value : path.resolve(modelsDir, value);
}

/** Folder names under `modelsDir` that look like pipelines (they have model_index.json or unet/model.onnx). */
export function listModelFolders(modelsDir: string): string[] {
  if (!existsSync(modelsDir)) return [];
  return readdirSync(modelsDir)
    .filter((name) => !name.startsWith('.'))
    .filter((name) => {
      const folder = path.join(modelsDir, name);
      return statSync(folder).isDirectory() && (existsSync(path.join(folder, 'model_index.json')) || existsSync(path.join(folder, 'unet', 'model.onnx')));
    })
    .sort();
}

export function openPipelineFolder(root: string): PipelineFolder {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new UserFacingError(`model folder not found: ${root}`, { hint: 'pick a folder under models/, or give the absolute path of a diffusers-ONNX export' });
  }
  const required = (relative: string) => {
    const file = path.join(root, relative);
    if (!existsSync(file)) throw new UserFacingError(`${root} has no ${relative}`, { hint: 'a diffusers-ONNX pipeline folder has text_encoder/, unet/, vae_decoder/ and tokenizer/ (an SDXL one also text_encoder_2/ and tokenizer_2/; export with optimum-cli export onnx)' });
    return file;
  };
  const modelIndex = readJson(path.join(root, 'model_index.json'));
  const family = detectFamily(root, modelIndex);
  const scheduler = readSchedulerConfig(root, modelIndex);
  const vaeConfigFile = path.join(root, 'vae_decoder', 'config.json');
  const vaeConfig = readJson(vaeConfigFile);
  const configuredScale = vaeConfig?.scaling_factor;
  const vaeScaleFactor = 2 ** ((levelCount(vaeConfig, vaeConfigFile) ?? SD_VAE_LEVELS) - 1);
  const unetConfigFile = path.join(root, 'unet', 'config.json');
  // diffusers' UNet downsamples at the end of every down block but the last.
  const unetLevels = levelCount(readJson(unetConfigFile), unetConfigFile) ?? SD_UNET_LEVELS;
  const encoder = path.join(root, 'vae_encoder', 'model.onnx');
  const sdxl = family === 'sdxl';
  return {
    root,
    name: path.basename(root),
    family,
    scheduler,
    latentScale: typeof configuredScale === 'number' && configuredScale > 0 ? configuredScale : LATENT_SCALE[family],
    latentChannels: latentChannelsOf(vaeConfig, vaeConfigFile),
    vaeScaleFactor,
    pixelSpace: vaeConfig?._class_name === PIXEL_SPACE_VAE_CLASS,
    imageSizeMultiple: vaeScaleFactor * 2 ** (unetLevels - 1),
    tokenizerDir: path.dirname(required(path.join('tokenizer', 'vocab.json'))),
    textEncoder: required(path.join('text_encoder', 'model.onnx')),
    tokenizer2Dir: sdxl ? path.dirname(required(path.join('tokenizer_2', 'vocab.json'))) : null,
    textEncoder2: sdxl ? required(path.join('text_encoder_2', 'model.onnx')) : null,
    // StableDiffusionXLPipeline's constructor defaults the key to true; SD 1/2 pipelines do not have it.
    forceZerosForEmptyPrompt: typeof modelIndex?.force_zeros_for_empty_prompt === 'boolean' ? modelIndex.force_zeros_for_empty_prompt : sdxl,
    unet: required(path.join('unet', 'model.onnx')),
    vaeDecoder: required(path.join('vae_decoder', 'model.onnx')),
    vaeEncoder: existsSync(encoder) ? encoder : null,
  };
}

/**
 * scheduler_config.json, its missing timestep_spacing taken from the scheduler class the pipeline
 * loads (model_index.json names it, as DiffusionPipeline.from_pretrained reads it; the file's own
 * _class_name otherwise). No file: Stable Diffusion's schedule.
 */
function readSchedulerConfig(root: string, modelIndex: Record<string, unknown> | null): SchedulerConfig {
  const file = path.join(root, 'scheduler', 'scheduler_config.json');
  if (!existsSync(file)) return STABLE_DIFFUSION_SCHEDULER_CONFIG;
  const text = readFileSync(file, 'utf8');
  let config: SchedulerConfig;
  try {
    config = parseSchedulerConfigText(text);
  } catch (error) {
    if (!UserFacingError.hasCode(error, SCHEDULER_CONFIG_PROBLEM)) throw error;
    throw new UserFacingError(`${file}: ${error.message}`, { hint: error.hint });
  }
  if (config.timestep_spacing !== undefined) return config;
  const indexEntry = modelIndex?.scheduler;
  const className = Array.isArray(indexEntry) && typeof indexEntry[1] === 'string' ? indexEntry[1] : schedulerClassInFile(text);
  const spacing = className === undefined ? undefined : CLASS_TIMESTEP_SPACING[className];
  return spacing === undefined ? config : { ...config, timestep_spacing: spacing };
}

/** The file's "_class_name", read from the text: diffusers may have written a bare -Infinity elsewhere in it, which JSON.parse refuses. */
function schedulerClassInFile(text: string): string | undefined {
  const match = /"_class_name"\s*:\s*"([^"]+)"/.exec(text);
  return match?.[1];
}

/** SDXL from its pipeline class or its second text encoder; SD2 from a text encoder config with 1024 hidden units. */
function detectFamily(root: string, modelIndex: Record<string, unknown> | null): ModelFamily {
  const className = String(modelIndex?._class_name ?? '');
  if (/XL/i.test(className) || existsSync(path.join(root, 'text_encoder_2'))) return 'sdxl';
  const textConfig = readJson(path.join(root, 'text_encoder', 'config.json'));
  return textConfig?.hidden_size === 1024 ? 'sd2' : 'sd1';
}

/** len(block_out_channels) of a diffusers config, or null when the config or the key is absent. */
function levelCount(config: Record<string, unknown> | null, file: string): number | null {
  const blocks = config?.block_out_channels;
  if (blocks === undefined) return null;
  if (!Array.isArray(blocks) || blocks.length === 0) {
    throw new UserFacingError(`${file}: "block_out_channels" must be a non-empty list`, { hint: 'restore the file from the original export' });
  }
  return blocks.length;
}

function latentChannelsOf(vaeConfig: Record<string, unknown> | null, file: string): number {
  const channels = vaeConfig?.latent_channels;
  if (channels === undefined) return SD_LATENT_CHANNELS;
  if (typeof channels !== 'number' || !Number.isInteger(channels) || channels < 1) {
    throw new UserFacingError(`${file}: "latent_channels" must be a positive integer, not ${JSON.stringify(channels)}`, { hint: 'restore the file from the original export' });
  }
  return channels;
}

/** A folder's JSON object file, or null when it is missing or not an object; unparsable JSON is a UserFacingError with `hint`. */
export function readJson(file: string, hint = 'restore the file from the original export'): Record<string, unknown> | null {
  if (!existsSync(file)) return null;
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch (error) {
    throw new UserFacingError(`${file} is not valid JSON: ${(error as Error).message}`, { hint: hint });
  }
}
