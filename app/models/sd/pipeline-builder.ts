/**
 * Builds pipeline components into a diffusers-ONNX folder: from diffusers safetensors files plus
 * their config.json (what `scalecrafter models build --unet …` does; SDXL's second text encoder
 * with --text-encoder-2), or a full-size SD 1.5 / SD 2.1 / SDXL UNet from seeded weights
 * (benchmarks and memory tests without downloading a model).
 */
import { readFile } from 'node:fs/promises';
import type { OnnxModel } from '../../onnx/model.js';
import { SafetensorsWeights } from '../weights/safetensors-weights.js';
import { SeededWeights } from '../weights/seeded-weights.js';
import type { WeightSource } from '../weights/weight-source.js';
import { buildClipTextModel } from './clip-text.js';
import { parseClipTextConfig } from './clip-text-config.js';
import { modelConfigError, type ConfigComponent } from './config-error.js';
import { writeComponent, type PipelineComponent } from './component-writer.js';
import { unetCost, type UNetCost } from './flops.js';
import type { FloatType } from './layers/layer-context.js';
import { withLegacyVaeAttentionNames } from './legacy-attention-names.js';
import { SD15_CONFIGS, SD21_CONFIGS, SDXL_CONFIGS } from './presets.js';
import { unexpectedTensors } from './unexpected-tensors.js';
import { buildUNet } from './unet.js';
import { parseUNetConfig, type UNetConfigJson } from './unet-config.js';
import { planUNet } from './unet-plan.js';
import { buildVaeDecoder, buildVaeEncoder } from './vae.js';
import { parseVaeConfig } from './vae-config.js';

export interface ComponentFiles {
  /** diffusers .safetensors with the component's parameters. */
  weights: string;
  /** The component's config.json (unet/config.json, text_encoder/config.json, vae/config.json). */
  config: string;
}

export interface PipelineBuildRequest {
  out: string;
  dtype: FloatType;
  unet?: ComponentFiles;
  textEncoder?: ComponentFiles;
  /** SDXL's text_encoder_2: a CLIPTextModelWithProjection (text_embeds output). */
  textEncoder2?: ComponentFiles;
  /** Builds both vae_decoder and vae_encoder from one AutoencoderKL file. */
  vae?: ComponentFiles;
}

export interface PipelineBuildReport {
  written: PipelineComponent[];
  /** Per weights file: tensors no graph used (another architecture or key layout?). */
  unexpectedTensors: Array<{ file: string; tensors: string[] }>;
}

async function readConfigJson(path: string, model: ConfigComponent): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw modelConfigError(model, '(file)', `cannot be read from ${path}: ${(error as Error).message}`, 'pass the config.json that sits next to the weights in the diffusers folder');
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw modelConfigError(model, '(file)', `${path} is not a JSON object: ${(error as Error).message}`);
  }
}

/** Opens the weights, builds what `build` returns, writes it, and reports the unused tensors. */
async function fromFiles(
  files: ComponentFiles,
  model: ConfigComponent,
  build: (config: Record<string, unknown>, weights: WeightSource) => Array<[PipelineComponent, OnnxModel]>,
  request: PipelineBuildRequest,
  report: PipelineBuildReport,
): Promise<void> {
  const config = await readConfigJson(files.config, model);
  const weights = await SafetensorsWeights.open(files.weights);
  try {
    const built = build(config, weights);
    for (const [component, graph] of built) {
      await writeComponent(request.out, component, graph, config);
      report.written.push(component);
    }
    const unused = unexpectedTensors(weights);
    if (unused.length > 0) report.unexpectedTensors.push({ file: files.weights, tensors: unused });
  } finally {
    await weights.close();
  }
}

export async function buildPipelineFromFiles(request: PipelineBuildRequest): Promise<PipelineBuildReport> {
  const report: PipelineBuildReport = { written: [], unexpectedTensors: [] };
  const dtype = request.dtype;
  if (request.unet) {
    await fromFiles(request.unet, 'unet', (config, weights) => [['unet', buildUNet(parseUNetConfig(config), weights, { dtype })]], request, report);
  }
  if (request.textEncoder) {
    await fromFiles(request.textEncoder, 'text_encoder', (config, weights) => [['text_encoder', buildClipTextModel(parseClipTextConfig(config), weights, { dtype })]], request, report);
  }
  if (request.textEncoder2) {
    await fromFiles(request.textEncoder2, 'text_encoder_2', (config, weights) => [
      ['text_encoder_2', buildClipTextModel(parseClipTextConfig(config, 'text_encoder_2'), weights, { dtype, withProjection: true })],
    ], request, report);
  }
  if (request.vae) {
    await fromFiles(request.vae, 'vae', (config, weights) => {
      const vae = parseVaeConfig(config);
      const source = withLegacyVaeAttentionNames(weights);
      return [['vae_decoder', buildVaeDecoder(vae, source, { dtype })], ['vae_encoder', buildVaeEncoder(vae, source, { dtype })]];
    }, request, report);
  }
  return report;
}

export type UNetPreset = 'sd15-random' | 'sd21-random' | 'sdxl-random';
export const UNET_PRESETS: readonly UNetPreset[] = ['sd15-random', 'sd21-random', 'sdxl-random'];
const PRESET_CONFIGS: Record<UNetPreset, UNetConfigJson> = { 'sd15-random': SD15_CONFIGS.unet, 'sd21-random': SD21_CONFIGS.unet, 'sdxl-random': SDXL_CONFIGS.unet };
export const PRESET_SEED = 1;

export interface PresetBuildReport {
  folder: string;
  cost: UNetCost;
  /** Image side the FLOPs were counted at (latents are side / 8). */
  resolution: number;
}

/** The image side a preset's FLOPs are counted at by default: its native size (sample_size latents × 8). */
export function presetResolution(preset: UNetPreset): number {
  return 8 * (PRESET_CONFIGS[preset].sample_size ?? 64);
}

/** A preset's size and cost from its plan alone (nothing built). */
export function presetUNetCost(preset: UNetPreset, resolution: number = presetResolution(preset)): UNetCost {
  const latent = Math.floor(resolution / 8);
  return unetCost(planUNet(parseUNetConfig(PRESET_CONFIGS[preset])), { latentHeight: latent, latentWidth: latent });
}

/** A full-size SD 1.5, SD 2.1 or SDXL base UNet with seeded weights, written to <out>/unet/. */
export async function buildPresetUNet(preset: UNetPreset, options: { out: string; dtype: FloatType; resolution?: number }): Promise<PresetBuildReport> {
  const json = PRESET_CONFIGS[preset];
  const config = parseUNetConfig(json);
  const metadata = { 'scalecrafter.weights': `seeded random (seed ${PRESET_SEED}), ${preset}; untrained` };
  const model = buildUNet(config, new SeededWeights(PRESET_SEED), { dtype: options.dtype, metadata });
  await writeComponent(options.out, 'unet', model, { _class_name: 'UNet2DConditionModel', ...json });
  const resolution = options.resolution ?? presetResolution(preset);
  return { folder: options.out, resolution, cost: presetUNetCost(preset, resolution) };
}
