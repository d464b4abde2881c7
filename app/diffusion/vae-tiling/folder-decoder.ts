/**
 * The tiled decoder of a pipeline folder's vae_decoder: segments rebuilt from the folder's
 * vae_decoder/config.json and the initializers of vae_decoder/model.onnx, one session per segment.
 * Building takes about as long as opening the decoder itself, so the most recent one is kept for
 * the next decode — module state on purpose, like the worker's session pool (model-sessions.ts):
 * the engine process runs one job at a time and a decode must not rebuild what the last one made.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { withLegacyVaeAttentionNames } from '../../models/sd/legacy-attention-names.js';
import { buildVaeDecoderSegments, type VaeDecoderSegments } from '../../models/sd/vae-segments.js';
import { parseVaeConfig, type VaeConfig } from '../../models/sd/vae-config.js';
import type { ExecutionProviderName } from '../../runtime/session.js';
import { InitializerWeights } from './initializer-weights.js';
import { TiledVaeDecoder } from './tiled-vae-decoder.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

/** The AutoencoderKL config beside the decoder at `decoderPath` (…/vae_decoder/model.onnx). */
export function readDecoderConfig(decoderPath: string): VaeConfig {
  const configFile = path.join(path.dirname(decoderPath), 'config.json');
  if (!existsSync(configFile)) {
    throw new UserFacingError(`${configFile} is missing; tiled decoding rebuilds the decoder from its AutoencoderKL config`, { hint: 'copy the VAE\'s config.json next to vae_decoder/model.onnx (optimum exports write it), or set tile_size to 0' });
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(configFile, 'utf8'));
  } catch (error) {
    throw new UserFacingError(`${configFile} is not valid JSON: ${(error as Error).message}`, { hint: 'restore the file from the original export, or set tile_size to 0' });
  }
  return parseVaeConfig(json);
}

/**
 * Segments for the decoder at `decoderPath`, in the precision of its weights, or in float32 when
 * `upcast` (float16 weights read as float32: SDXL's VAE overflows in float16).
 */
export async function segmentsForDecoderFile(decoderPath: string, upcast = false): Promise<VaeDecoderSegments> {
  const config = readDecoderConfig(decoderPath);
  const weights = await InitializerWeights.open(decoderPath);
  const dtype = upcast ? 'float32' : weights.floatTypeOf('decoder.conv_in.weight', [config.blockOutChannels.at(-1)!, config.latentChannels, 3, 3]);
  return buildVaeDecoderSegments(config, withLegacyVaeAttentionNames(weights), { dtype });
}

let cached: { key: string; decoder: Promise<TiledVaeDecoder> } | undefined;

/** The tiled decoder for `decoderPath` on `provider` (in float32 when `upcast`); the previous one is released when another is asked for. */
export async function tiledDecoderFor(decoderPath: string, provider: ExecutionProviderName, upcast = false): Promise<TiledVaeDecoder> {
  const key = `${provider}|${decoderPath}|${statSync(decoderPath).mtimeMs}|${upcast}`;
  if (cached?.key !== key) {
    await releaseTiledDecoder();
    const decoder = segmentsForDecoderFile(decoderPath, upcast).then((plan) => TiledVaeDecoder.open(plan, provider));
    cached = { key, decoder };
    decoder.catch(() => {
      if (cached?.decoder === decoder) cached = undefined;
    });
  }
  return cached.decoder;
}

/** Releases the kept tiled decoder's sessions (when models are switched or memory runs short). */
export async function releaseTiledDecoder(): Promise<void> {
  const previous = cached;
  cached = undefined;
  if (previous) await (await previous.decoder.catch(() => undefined))?.release();
}
