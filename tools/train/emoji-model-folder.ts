/**
 * Packs a training run (tools/train/train.py's export: unet/ and text_encoder/ float32 safetensors
 * with their config.json, scheduler/) and the tokenizer into the model folder the app ships,
 * models/emoji-pixel-32: the sources of a pixel-space pipeline (app/models/pipeline-sources.ts),
 * whose ONNX graphs LoadCheckpoint builds on first use.
 *
 * Weights become float16 (diffusers' "fp16" variant file names), halving the committed bytes; the
 * graphs are built in float32 from them. The scheduler is SD's noise schedule as a DDIMScheduler
 * (the ScaleCrafter reference's sampler), the schedule the run must have trained with. The VAE is
 * the pixel-space identity (app/models/pixel-space-vae.ts). The folder appears whole or not at all.
 */
import { cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pixelSpaceVaeConfig } from '../../app/models/pixel-space-vae.js';
import { onnxPipelineModelIndex, schedulerConfigFileText } from '../../app/models/sd/export-conventions.js';
import { TINY_SD_SCHEDULER_CONFIG } from '../../app/models/tiny-sd.js';
import { openSafetensors, writeSafetensors, type TensorToWrite } from '../../app/models/weights/index.js';

export interface PackRequest {
  /** The training run's export folder (.cache/train/full). */
  run: string;
  /** The tokenizer folder the run trained with (.cache/train/data/tokenizer). */
  tokenizer: string;
  /** The model folder to write (models/emoji-pixel-32); replaced when it exists. */
  out: string;
}

export interface PackReport {
  out: string;
  tensors: number;
  /** Bytes of the float16 weight files. */
  weightBytes: number;
  /** The training step the weights are from, as train.py recorded it. */
  step: string | undefined;
}

/** The largest finite float16. */
const FLOAT16_MAX = 65504;
/** Keys that define the noise schedule: sampling with another schedule than the training one is wrong. */
const SCHEDULE_KEYS = ['num_train_timesteps', 'beta_start', 'beta_end', 'beta_schedule'] as const;
const PREDICTION_TYPES = ['epsilon', 'v_prediction'] as const;

export class PackError extends Error {
  override readonly name = 'PackError';
}

async function readJsonObject(file: string): Promise<Record<string, unknown>> {
  if (!existsSync(file)) throw new PackError(`${file} is missing: is this a training run folder (train.py writes unet/, text_encoder/, scheduler/)?`);
  return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
}

/** The training run's prediction type, after checking its noise schedule is the one the packed model samples with. */
function trainedPredictionType(trained: Record<string, unknown>, file: string): (typeof PREDICTION_TYPES)[number] {
  for (const key of SCHEDULE_KEYS) {
    const expected = (TINY_SD_SCHEDULER_CONFIG as Record<string, unknown>)[key];
    if (trained[key] !== expected) throw new PackError(`${file}: ${key} is ${JSON.stringify(trained[key])}, but the packed model samples with SD's ${JSON.stringify(expected)}`);
  }
  const prediction = PREDICTION_TYPES.find((type) => type === trained.prediction_type);
  if (prediction === undefined) throw new PackError(`${file}: prediction_type is ${JSON.stringify(trained.prediction_type)}; expected one of ${PREDICTION_TYPES.join(', ')}`);
  return prediction;
}

/** Copies a float safetensors file as float16, keeping its metadata (train.py records the step). */
async function writeFloat16Copy(source: string, target: string): Promise<{ tensors: number; step: string | undefined }> {
  const file = await openSafetensors(source);
  try {
    const tensors: Record<string, TensorToWrite> = {};
    for (const name of file.tensorNames()) {
      const data = file.readSync(name);
      const largest = data.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
      if (!(largest <= FLOAT16_MAX)) throw new PackError(`${source}: tensor "${name}" holds ${largest}, beyond float16's range`);
      tensors[name] = { dtype: 'F16', shape: [...file.info(name)!.shape], data };
    }
    const metadata = { ...file.metadata, 'scalecrafter.packed': `float16 copy of ${path.basename(source)} (tools/train/pack-model.ts)` };
    await writeSafetensors(target, tensors, metadata);
    return { tensors: Object.keys(tensors).length, step: file.metadata.step };
  } finally {
    await file.close();
  }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

async function writeFolder(request: PackRequest, folder: string): Promise<Omit<PackReport, 'out'>> {
  const unetConfig = await readJsonObject(path.join(request.run, 'unet', 'config.json'));
  const schedulerFile = path.join(request.run, 'scheduler', 'scheduler_config.json');
  const predictionType = trainedPredictionType(await readJsonObject(schedulerFile), schedulerFile);
  const channels = unetConfig.in_channels;
  if (typeof channels !== 'number' || unetConfig.out_channels !== channels) {
    throw new PackError(`${request.run}/unet/config.json: a pixel-space UNet has in_channels = out_channels (the image channels); got ${String(channels)} and ${String(unetConfig.out_channels)}`);
  }
  if (!existsSync(path.join(request.tokenizer, 'vocab.json'))) throw new PackError(`${request.tokenizer} has no vocab.json: pass the tokenizer folder prepare-data.ts wrote`);

  let tensors = 0;
  let step: string | undefined;
  for (const [component, source, target] of [
    ['unet', 'diffusion_pytorch_model.safetensors', 'diffusion_pytorch_model.fp16.safetensors'],
    ['text_encoder', 'model.safetensors', 'model.fp16.safetensors'],
  ] as const) {
    await mkdir(path.join(folder, component), { recursive: true });
    // The config is copied byte for byte: it is what the weights were trained with.
    await cp(path.join(request.run, component, 'config.json'), path.join(folder, component, 'config.json'));
    const written = await writeFloat16Copy(path.join(request.run, component, source), path.join(folder, component, target));
    tensors += written.tensors;
    step ??= written.step;
  }
  await cp(request.tokenizer, path.join(folder, 'tokenizer'), { recursive: true });
  await mkdir(path.join(folder, 'scheduler'));
  await writeFile(path.join(folder, 'scheduler', 'scheduler_config.json'), schedulerConfigFileText({ ...TINY_SD_SCHEDULER_CONFIG, prediction_type: predictionType }), 'utf8');
  await writeFile(path.join(folder, 'model_index.json'), json(onnxPipelineModelIndex(TINY_SD_SCHEDULER_CONFIG._class_name)), 'utf8');
  for (const component of ['vae_decoder', 'vae_encoder']) {
    await mkdir(path.join(folder, component));
    await writeFile(path.join(folder, component, 'config.json'), json(pixelSpaceVaeConfig(channels)), 'utf8');
  }
  const weightBytes = (await stat(path.join(folder, 'unet', 'diffusion_pytorch_model.fp16.safetensors'))).size +
    (await stat(path.join(folder, 'text_encoder', 'model.fp16.safetensors'))).size;
  return { tensors, weightBytes, step };
}

export async function packModelFolder(request: PackRequest): Promise<PackReport> {
  const out = path.resolve(request.out);
  const staging = path.join(path.dirname(out), `.${path.basename(out)}.pack-${process.pid}`);
  const old = path.join(path.dirname(out), `.${path.basename(out)}.old-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    const report = await writeFolder(request, staging);
    // Replacing the folder also drops ONNX graphs built from the previous weights.
    if (existsSync(out)) await rename(out, old);
    await rename(staging, out);
    await rm(old, { recursive: true, force: true });
    return { out, ...report };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
