/**
 * A test-size SDXL-architecture pipeline in the diffusers-ONNX folder layout that optimum's SDXL
 * export writes: unet (text_embeds / time_ids inputs), text_encoder (CLIPTextModel),
 * text_encoder_2 (CLIPTextModelWithProjection), tokenizer and tokenizer_2, vae_decoder,
 * vae_encoder (scaling_factor 0.13025), scheduler and a StableDiffusionXLPipeline model_index.json.
 * Seeded like the tiny SD pipeline (tiny-sd.ts, whose folder machinery it shares), so SDXL
 * pipelines can be run end to end without downloading one; its images are noise.
 */
import { join } from 'node:path';
import { generateTinyClipVocabulary } from '../diffusion/tokenizer/tiny-clip-vocabulary.js';
import { writeClipTokenizerFolder } from '../diffusion/tokenizer/tokenizer-folder.js';
import { buildClipTextModel } from './sd/clip-text.js';
import { parseClipTextConfig } from './sd/clip-text-config.js';
import { writeComponent } from './sd/component-writer.js';
import { diffusersSchedulerConfig, sdxlPipelineModelIndex } from './sd/export-conventions.js';
import { tinySdxlPipelineConfigs } from './sd/presets.js';
import { buildUNet } from './sd/unet.js';
import { parseUNetConfig } from './sd/unet-config.js';
import { SeededWeights } from './weights/seeded-weights.js';
import { writeFolderAtomically } from './folder-swap.js';
import { tinyBuildContext, writeIndexAndScheduler, writeTinyVae, type TinyPipelineOptions } from './tiny-sd.js';

export const TINY_SDXL_SEED = 20230726;
export const DEFAULT_TINY_SDXL_FOLDER = 'models/tiny-sdxl';

/** SDXL base's scheduler: EulerDiscreteScheduler, "leading" spacing with steps_offset 1. */
export const TINY_SDXL_SCHEDULER_CONFIG = diffusersSchedulerConfig('EulerDiscreteScheduler', { predictionType: 'epsilon', stepsOffset: 1, timestepSpacing: 'leading' });


export type TinySdxlOptions = Pick<TinyPipelineOptions, 'seed' | 'overwrite' | 'conventions' | 'schedulerConfig'>;

/** Writes the tiny SDXL pipeline to `folder` and returns its absolute path. */
export async function writeTinyStableDiffusionXL(folder: string = DEFAULT_TINY_SDXL_FOLDER, options: TinySdxlOptions = {}): Promise<string> {
  return writeFolderAtomically(folder, (staging) => writeSdxlFiles(staging, options), { overwrite: options.overwrite === true });
}

async function writeSdxlFiles(folder: string, options: TinySdxlOptions): Promise<void> {
  const seed = options.seed ?? TINY_SDXL_SEED;
  const build = tinyBuildContext(seed, options.conventions);
  const { layout, metadata, weights } = build;
  const vocabulary = generateTinyClipVocabulary();
  const configs = tinySdxlPipelineConfigs(Object.keys(vocabulary.vocab).length);
  const schedulerConfig = options.schedulerConfig ?? TINY_SDXL_SCHEDULER_CONFIG;

  await writeIndexAndScheduler(folder, sdxlPipelineModelIndex(String(schedulerConfig._class_name ?? 'EulerDiscreteScheduler')), schedulerConfig);
  // SDXL's tokenizer pads with <|endoftext|> (OpenAI CLIP's), tokenizer_2 with "!" (OpenCLIP's; id 0 in the real vocabulary).
  await writeClipTokenizerFolder(join(folder, 'tokenizer'), vocabulary, { padToken: '<|endoftext|>' });
  await writeClipTokenizerFolder(join(folder, 'tokenizer_2'), vocabulary, { padToken: '!' });

  const textOptions = { ...layout.textEncoder, metadata };
  const clipKeys = (architecture: string) => ({ _class_name: architecture, architectures: [architecture], model_type: 'clip_text_model' });
  await writeComponent(folder, 'text_encoder', buildClipTextModel(parseClipTextConfig(configs.textEncoder), weights, textOptions), { ...clipKeys('CLIPTextModel'), ...configs.textEncoder }, layout.write);
  // Both encoders name their parameters text_model.…: a second seed keeps them from sharing weights.
  const encoder2 = buildClipTextModel(parseClipTextConfig(configs.textEncoder2, 'text_encoder_2'), new SeededWeights((seed + 1) >>> 0), { ...textOptions, withProjection: true });
  await writeComponent(folder, 'text_encoder_2', encoder2, { ...clipKeys('CLIPTextModelWithProjection'), ...configs.textEncoder2 }, layout.write);

  const unetConfig = { _class_name: 'UNet2DConditionModel', ...configs.unet };
  await writeComponent(folder, 'unet', buildUNet(parseUNetConfig(configs.unet), weights, { ...layout.unet, metadata }), unetConfig, layout.write);
  await writeTinyVae(folder, configs.vae, configs.vae.scaling_factor ?? null, build);
}
