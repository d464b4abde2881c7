/**
 * Latents ↔ images through the VAE, with the latent scale applied here (diffusers divides by
 * `scaling_factor` before decoding and multiplies after encoding; the graphs do not).
 */
import type { ExecutionProviderPreference } from '../../protocol/index.js';
import type { ImageBatch } from '../../imaging/image-batch.js';
import type { PipelineFolder } from '../../models/pipeline-folder.js';
import { leaseComponent } from './model-sessions.js';
import { asFloatType, floatTensor, readFloats } from './model-tensors.js';
import type { Latent } from './values.js';

export async function decodeLatents(folder: PipelineFolder, latent: Latent, preference: ExecutionProviderPreference): Promise<ImageBatch> {
  const lease = await leaseComponent(folder.vaeDecoder, 'vae_decoder', preference);
  try {
    const { session } = lease;
    const ioType = asFloatType(session.inputMetadata.find((input) => input.name === 'latent_sample')!.type, `${session.source}: input 'latent_sample'`);
    const scaled = latent.samples.map((value) => value / folder.latentScale);
    const outputs = await session.run({ latent_sample: floatTensor(scaled, latent.dims, ioType) });
    const sample = outputs.sample!;
    const [batch, channels, height, width] = sample.dims as [number, number, number, number];
    if (channels !== 3) throw new Error(`${session.source} decoded ${channels} channels; an RGB decoder gives 3`);
    return { batch, height, width, pixels: planarToInterleaved(readFloats(sample, 'sample'), batch, height, width) };
  } finally {
    lease.release();
  }
}

export async function encodeImages(folder: PipelineFolder, images: ImageBatch, preference: ExecutionProviderPreference): Promise<Latent> {
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
    return { samples, dims: [batch, latentChannels, height, width] };
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
