/**
 * Latents ↔ images through the VAE, with the latent scale applied here (diffusers divides by
 * `scaling_factor` before decoding and multiplies after encoding; the graphs do not).
 */
import type { ExecutionProviderPreference } from '../../protocol/index.js';
import type { ImageBatch } from '../../imaging/image-batch.js';
import type { VaeModel } from '../../models/pipeline-folder.js';
import { tiledDecoderFor } from '../vae-tiling/folder-decoder.js';
import { estimateTileMemory, formatBytes } from '../vae-tiling/tile-memory.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import { leaseComponent, providerFor } from './model-sessions.js';
import { asFloatType, floatTensor, readFloats } from './model-tensors.js';
import type { Latent } from './values.js';

export interface DecodeOptions {
  /**
   * Largest tile side in IMAGE pixels; 0 (the default) decodes the whole latent in one run, as does
   * a tile at least as large as the image. Tiled decoding equals the whole decode up to float
   * rounding (app/diffusion/vae-tiling) and bounds the device memory by the tile size.
   */
  tileSize?: number;
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
  /** A line for the user on how a tiled decode ran (tiles, memory). */
  onInfo?(text: string): void;
}

export async function decodeLatents(folder: VaeModel, latent: Latent, preference: ExecutionProviderPreference, options: DecodeOptions = {}): Promise<ImageBatch> {
  const tileSize = options.tileSize ?? 0;
  const tileLatent = tileSize > 0 ? Math.max(1, Math.floor(tileSize / folder.vaeScaleFactor)) : 0;
  const [, , height, width] = latent.dims;
  const scaled = latent.samples.map((value) => value / folder.latentScale);
  const tiled = tileLatent > 0 && (tileLatent < height || tileLatent < width);
  // The identity holds no activations to bound, and it has no AutoencoderKL segments to tile.
  if (tiled && folder.pixelSpace) options.onInfo?.(`${folder.name} is a pixel-space model: its identity VAE decodes whole, tile_size is not needed`);
  const scaledLatent: Latent = { samples: scaled, dims: latent.dims };
  const decoded = tiled && !folder.pixelSpace
    ? await decodeTiled(folder, scaledLatent, preference, tileLatent, options)
    : await decodeWhole(folder, scaledLatent, preference);
  return toImageBatch(folder, await finiteOrUpcast(folder, decoded, scaledLatent, preference, tiled ? tileLatent : Math.max(height, width), options));
}

/**
 * SDXL's VAE overflows in float16 (its activations pass 65504): a float16 decoder whose pixels come
 * out non-finite is rebuilt in float32 from its own weights (the tiled decoder's segments) and the
 * latent decoded again, with a line for the user saying so.
 */
async function finiteOrUpcast(folder: VaeModel, decoded: PlanarImage, scaled: Latent, preference: ExecutionProviderPreference, tileLatent: number, options: DecodeOptions): Promise<PlanarImage> {
  if (folder.pixelSpace || decoded.data.every(Number.isFinite)) return decoded;
  options.onInfo?.(`${folder.vaeDecoder} gave non-finite pixels (a float16 overflow, which SDXL's VAE is known for); decoding again in float32`);
  const redone = await decodeTiled(folder, scaled, preference, tileLatent, options, true);
  if (redone.data.every(Number.isFinite)) return redone;
  throw new UserFacingError(`${folder.vaeDecoder} gives non-finite pixels for this latent even in float32`, { hint: 'the latent is out of range: check the sampler settings (cfg, steps) and the model\'s VAE' });
}

function toImageBatch(folder: VaeModel, decoded: PlanarImage): ImageBatch {
  const [batch, channels, imageHeight, imageWidth] = decoded.dims;
  if (channels !== 3) throw new Error(`${folder.vaeDecoder} decoded ${channels} channels; an RGB decoder gives 3`);
  return { batch, height: imageHeight, width: imageWidth, pixels: planarToInterleaved(decoded.data, batch, imageHeight, imageWidth) };
}

/** NCHW float32 in [-1, 1]. */
interface PlanarImage {
  data: Float32Array;
  dims: readonly [number, number, number, number];
}

async function decodeWhole(folder: VaeModel, scaled: Latent, preference: ExecutionProviderPreference): Promise<PlanarImage> {
  const lease = await leaseComponent(folder.vaeDecoder, 'vae_decoder', preference);
  try {
    const { session } = lease;
    const ioType = asFloatType(session.inputMetadata.find((input) => input.name === 'latent_sample')!.type, `${session.source}: input 'latent_sample'`);
    const outputs = await session.run({ latent_sample: floatTensor(scaled.samples, scaled.dims, ioType) });
    const sample = outputs.sample!;
    return { data: readFloats(sample, 'sample'), dims: sample.dims as [number, number, number, number] };
  } finally {
    lease.release();
  }
}

async function decodeTiled(folder: VaeModel, scaled: Latent, preference: ExecutionProviderPreference, tileLatent: number, options: DecodeOptions, upcast = false): Promise<PlanarImage> {
  const { provider } = await providerFor(preference);
  const decoder = await tiledDecoderFor(folder.vaeDecoder, provider, upcast);
  const [batch, , height, width] = scaled.dims;
  const memory = estimateTileMemory(decoder.plan, batch, { height, width }, tileLatent);
  const decoded = await decoder.decode(scaled.samples, scaled.dims, {
    tileSize: tileLatent,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const factor = decoder.plan.sample.scale;
  options.onInfo?.(
    `tiled VAE decode on ${provider}: ${decoded.tiles} tiles of at most ${tileLatent * factor} px with GroupNorm statistics shared across tiles; ` +
      `device memory per tile ≈ ${formatBytes(memory.tileBytes)} plus the attention's whole-latent keys and values ${formatBytes(memory.tokenBytes)}; ` +
      `host memory for whole-image activations ≈ ${formatBytes(memory.hostBytes)}`,
  );
  return decoded;
}

export async function encodeImages(folder: VaeModel, images: ImageBatch, preference: ExecutionProviderPreference): Promise<Latent> {
  if (!folder.vaeEncoder) throw new Error(`${folder.root} has no vae_encoder/model.onnx, which image-to-image needs`);
  const lease = await leaseComponent(folder.vaeEncoder, 'vae_encoder', preference);
  try {
    const { session } = lease;
    const ioType = asFloatType(session.inputMetadata.find((input) => input.name === 'sample')!.type, `${session.source}: input 'sample'`);
    const planar = interleavedToPlanar(images.pixels, images.batch, images.height, images.width);
    const outputs = await session.run({ sample: floatTensor(planar, [images.batch, 3, images.height, images.width], ioType) });
    // The distribution's mean, not a sample of it: encoding the same image twice gives the same latent.
    const moments = outputs.latent_parameters;
    const output = moments ?? outputs.latent_sample!;
    const [batch, channels, height, width] = output.dims as [number, number, number, number];
    const latentChannels = moments ? channels / 2 : channels;
    const values = readFloats(output, moments ? 'latent_parameters' : 'latent_sample');
    const samples = new Float32Array(batch * latentChannels * height * width);
    const plane = height * width;
    for (let b = 0; b < batch; b++) {
      for (let c = 0; c < latentChannels; c++) {
        for (let p = 0; p < plane; p++) samples[(b * latentChannels + c) * plane + p] = values[(b * channels + c) * plane + p]! * folder.latentScale;
      }
    }
    return { samples, dims: [batch, latentChannels, height, width], vaeScaleFactor: folder.vaeScaleFactor };
  } finally {
    lease.release();
  }
}

/** [B,3,H,W] in [-1, 1] → [B,H,W,3] in [0, 1], clamped as diffusers' image processor does. */
function planarToInterleaved(planar: Float32Array, batch: number, height: number, width: number): Float32Array {
  const plane = height * width;
  const pixels = new Float32Array(batch * plane * 3);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < plane; p++) {
        const value = planar[(b * 3 + c) * plane + p]! / 2 + 0.5;
        pixels[(b * plane + p) * 3 + c] = value < 0 ? 0 : value > 1 ? 1 : value;
      }
    }
  }
  return pixels;
}

/** [B,H,W,3] in [0, 1] → [B,3,H,W] in [-1, 1]. */
function interleavedToPlanar(pixels: Float32Array, batch: number, height: number, width: number): Float32Array {
  const plane = height * width;
  const planar = new Float32Array(batch * 3 * plane);
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) planar[(b * 3 + c) * plane + p] = pixels[(b * plane + p) * 3 + c]! * 2 - 1;
    }
  }
  return planar;
}
