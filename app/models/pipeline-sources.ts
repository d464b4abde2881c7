/**
 * A pipeline folder kept as its sources (models/emoji-pixel-32): diffusers safetensors weights with
 * their config.json in unet/ and text_encoder/, the tokenizer, the scheduler, and the pixel-space
 * identity VAE's config.json in vae_decoder/ (pixel-space-vae.ts). The ONNX graphs are derived
 * data: built on first use by the `models build` code path (sd/pipeline-builder.ts) in float32, the
 * CPU's type (float16 weights are widened as they are read), and built again when the sources
 * change: a stamp beside them holds the hashes of the files they were built from.
 *
 * The graphs are written into a staging folder beside the pipeline and renamed into place; the stamp
 * is removed before and written after, so a folder whose stamp matches its sources is complete.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readJson } from './pipeline-folder.js';
import { buildPixelSpaceVaeDecoder, buildPixelSpaceVaeEncoder, PIXEL_SPACE_VAE_CLASS, pixelSpaceVaeConfig } from './pixel-space-vae.js';
import { writeComponent, type PipelineComponent } from './sd/component-writer.js';
import { buildPipelineFromFiles, type ComponentFiles, type PipelineBuildReport } from './sd/pipeline-builder.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

export interface PipelineSources {
  root: string;
  unet: ComponentFiles;
  textEncoder: ComponentFiles;
  /** Image channels of the pixel-space identity VAE (vae_decoder/config.json latent_channels). */
  pixelChannels: number;
}

/** The names diffusers saves weights under, plain or as its "fp16" variant. */
const WEIGHT_FILES = {
  unet: ['diffusion_pytorch_model.safetensors', 'diffusion_pytorch_model.fp16.safetensors'],
  text_encoder: ['model.safetensors', 'model.fp16.safetensors'],
} as const;

const BUILT_COMPONENTS: readonly PipelineComponent[] = ['text_encoder', 'vae_decoder', 'vae_encoder', 'unet'];
export const BUILD_STAMP_FILE = '.onnx-build.json';
const REBUILD_HINT = 'restore the folder (git checkout models/), or write it again with tools/train/pack-model.ts';

function componentFiles(root: string, component: keyof typeof WEIGHT_FILES): ComponentFiles | null {
  const weights = WEIGHT_FILES[component].map((name) => path.join(root, component, name)).find((file) => existsSync(file));
  if (weights === undefined) return null;
  const config = path.join(root, component, 'config.json');
  if (!existsSync(config)) throw new UserFacingError(`${weights} has no config.json beside it`, { hint: REBUILD_HINT });
  return { weights, config };
}

/**
 * The folder's sources, or null when it is not kept as sources: only a pixel-space folder (its
 * vae_decoder/config.json names the identity VAE) with UNet safetensors is, so an ONNX export that
 * also ships safetensors is opened as it is.
 */
export function pipelineSourcesOf(root: string): PipelineSources | null {
  const vaeConfigFile = path.join(root, 'vae_decoder', 'config.json');
  const vaeConfig = readJson(vaeConfigFile, REBUILD_HINT);
  if (vaeConfig?._class_name !== PIXEL_SPACE_VAE_CLASS) return null;
  const unet = componentFiles(root, 'unet');
  if (unet === null) return null;
  const textEncoder = componentFiles(root, 'text_encoder');
  if (textEncoder === null) throw new UserFacingError(`${root} has UNet weights but no text_encoder/${WEIGHT_FILES.text_encoder[0]}`, { hint: REBUILD_HINT });
  const channels = vaeConfig.latent_channels;
  if (typeof channels !== 'number' || !Number.isInteger(channels) || channels < 1) {
    throw new UserFacingError(`${vaeConfigFile}: "latent_channels" must be a positive integer (the image channels), not ${JSON.stringify(channels)}`, { hint: REBUILD_HINT });
  }
  return { root, unet, textEncoder, pixelChannels: channels };
}

/** sha256 of every file the graphs are built from, by path relative to the folder. */
function sourceHashes(sources: PipelineSources): Record<string, string> {
  const files = [sources.unet.weights, sources.unet.config, sources.textEncoder.weights, sources.textEncoder.config, path.join(sources.root, 'vae_decoder', 'config.json')];
  return Object.fromEntries(
    files.map((file) => [path.relative(sources.root, file).split(path.sep).join('/'), createHash('sha256').update(readFileSync(file)).digest('hex')]),
  );
}

/** Whether every graph is there and was built from the sources as they are now. */
export function isBuiltFromSources(sources: PipelineSources): boolean {
  if (!BUILT_COMPONENTS.every((component) => existsSync(path.join(sources.root, component, 'model.onnx')))) return false;
  const stampFile = path.join(sources.root, BUILD_STAMP_FILE);
  if (!existsSync(stampFile)) return false;
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as { sources?: unknown };
    return JSON.stringify(stamp.sources) === JSON.stringify(sourceHashes(sources));
  } catch {
    return false;
  }
}

/** Builds the folder's float32 ONNX graphs from its sources; returns what the weights held that no graph used. */
export async function buildFromSources(sources: PipelineSources): Promise<PipelineBuildReport> {
  const { root } = sources;
  const hashes = sourceHashes(sources);
  const staging = path.join(path.dirname(root), `.${path.basename(root)}.build-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  try {
    const report = await buildPipelineFromFiles({ out: staging, dtype: 'float32', unet: sources.unet, textEncoder: sources.textEncoder });
    const vaeConfig = pixelSpaceVaeConfig(sources.pixelChannels);
    await writeComponent(staging, 'vae_decoder', buildPixelSpaceVaeDecoder(sources.pixelChannels), vaeConfig);
    await writeComponent(staging, 'vae_encoder', buildPixelSpaceVaeEncoder(sources.pixelChannels), vaeConfig);
    const stampFile = path.join(root, BUILD_STAMP_FILE);
    await rm(stampFile, { force: true });
    for (const component of BUILT_COMPONENTS) {
      await mkdir(path.join(root, component), { recursive: true });
      await rename(path.join(staging, component, 'model.onnx'), path.join(root, component, 'model.onnx'));
    }
    await writeFile(path.join(staging, BUILD_STAMP_FILE), `${JSON.stringify({ dtype: 'float32', sources: hashes }, null, 2)}\n`, 'utf8');
    await rename(path.join(staging, BUILD_STAMP_FILE), stampFile);
    return report;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
