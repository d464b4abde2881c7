/**
 * Decodes latents tile by tile through the decoder's segments (app/models/sd/vae-segments.ts):
 * every segment runs over all tiles before the next starts, so each GroupNorm gets the statistics
 * of the whole image (merged from the tiles' cores) — the synchronised GroupNorm of the
 * ScaleCrafter reference's --vae_tiling (sync_tiled_decode.py). Unlike the reference, tiles do not
 * overlap and are not blended: each reads its segment's halo of context from the whole-image
 * activation kept in host memory, so the result equals a full decode up to float rounding and
 * there is no seam to hide. The device only ever holds one tile of one segment (plus, for the
 * mid-block attention, the keys and values of the whole latent).
 */
import type { VaeDecoderSegment, VaeDecoderSegments } from '../../models/sd/vae-segments.js';
import { CROP_END, CROP_START } from '../../models/sd/vae-segments.js';
import { serializeModel } from '../../onnx/model-codec.js';
import type { HostTensor } from '../../runtime/host-tensor.js';
import { openSession, type ExecutionProviderName, type ModelSession } from '../../runtime/session.js';
import { GroupStatistics } from './group-norm-statistics.js';
import { checkFloatTensor, ImageBuffer, TokenBuffer } from './host-activations.js';
import { placeTile, rectArea, tileGrid, type Rect, type Size } from './tile-grid.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

export interface TiledDecodeOptions {
  /** Largest tile side, in LATENT pixels. */
  tileSize: number;
  signal?: AbortSignal;
  /** Called after every segment run on a tile. */
  onProgress?(done: number, total: number): void;
}

export interface DecodedImage {
  /** NCHW float32, [batch, out_channels, scale·h, scale·w]. */
  data: Float32Array;
  dims: [number, number, number, number];
  tiles: number;
}

const int64 = (values: readonly number[]): HostTensor => ({ type: 'int64', data: BigInt64Array.from(values, BigInt), dims: [values.length] });

/** Index of the last segment that reads each activation, so its host copy can be dropped after it. */
function lastReaders(segments: readonly VaeDecoderSegment[]): Map<string, number> {
  const last = new Map<string, number>();
  segments.forEach((segment, index) => {
    for (const input of [...segment.imageInputs, ...segment.tokenInputs]) last.set(input.tensor, index);
  });
  return last;
}

function checkPlan(plan: VaeDecoderSegments): void {
  const produced = new Set([plan.latent.tensor]);
  const withStatistics = new Set<string>();
  for (const segment of plan.segments) {
    for (const input of segment.imageInputs) {
      if (!produced.has(input.tensor)) throw new UserFacingError(`segment ${segment.name} reads ${input.tensor} before any segment writes it`);
      if (input.norm && !withStatistics.has(input.tensor)) throw new UserFacingError(`segment ${segment.name} normalises ${input.tensor}, whose statistics no segment reports`);
      if (input.scale !== segment.inputScale) throw new UserFacingError(`segment ${segment.name} mixes input resolutions`);
    }
    if ((segment.tokenInputs.length > 0 || segment.tokenOutputs.length > 0) && segment.halo !== 0) {
      throw new UserFacingError(`segment ${segment.name} handles whole-latent tokens, which only a segment without halo can`);
    }
    for (const output of [...segment.imageOutputs, ...segment.tokenOutputs]) produced.add(output.tensor);
    for (const output of segment.imageOutputs) if (output.statsGroups !== null) withStatistics.add(output.tensor);
  }
  if (!produced.has(plan.sample.tensor)) throw new UserFacingError(`no segment writes ${plan.sample.tensor}`);
}

/** What a decode holds between segments: whole-image activations, tokens, and GroupNorm statistics. */
interface DecodeState {
  latent: Size;
  batch: number;
  images: Map<string, ImageBuffer>;
  tokens: Map<string, TokenBuffer>;
  statistics: Map<string, GroupStatistics>;
}

export class TiledVaeDecoder {
  readonly #plan: VaeDecoderSegments;
  #sessions: ModelSession[] | undefined;

  private constructor(plan: VaeDecoderSegments, sessions: ModelSession[]) {
    this.#plan = plan;
    this.#sessions = sessions;
  }

  /** Opens one session per segment on `provider`. */
  static async open(plan: VaeDecoderSegments, provider: ExecutionProviderName): Promise<TiledVaeDecoder> {
    checkPlan(plan);
    const sessions: ModelSession[] = [];
    try {
      for (const segment of plan.segments) sessions.push(await openSession(serializeModel(segment.model), { executionProvider: provider, quietThreads: true }));
    } catch (error) {
      await Promise.all(sessions.map((session) => session.release()));
      throw error;
    }
    return new TiledVaeDecoder(plan, sessions);
  }

  get plan(): VaeDecoderSegments {
    return this.#plan;
  }

  /** Decodes `latents` (NCHW float32, already divided by the latent scale). */
  async decode(latents: Float32Array, dims: readonly [number, number, number, number], options: TiledDecodeOptions): Promise<DecodedImage> {
    const sessions = this.#sessions;
    if (!sessions) throw new UserFacingError('decode() after release()');
    const plan = this.#plan;
    const [batch, channels, height, width] = dims;
    if (channels !== plan.latent.channels) throw new UserFacingError(`the latent has ${channels} channels but this VAE decodes ${plan.latent.channels}`);
    const tiles = tileGrid({ height, width }, options.tileSize);
    const state: DecodeState = {
      latent: { height, width },
      batch,
      images: new Map([[plan.latent.tensor, ImageBuffer.fromFloat32(plan.dtype, latents, dims)]]),
      tokens: new Map(),
      statistics: new Map(),
    };
    const last = lastReaders(plan.segments);
    const total = plan.segments.length * tiles.length;
    let done = 0;
    for (const [index, segment] of plan.segments.entries()) {
      const fixedFeeds = this.#fixedFeeds(segment, state);
      this.#allocateOutputs(segment, state);
      for (const tile of tiles) {
        options.signal?.throwIfAborted();
        await this.#runTile(sessions[index]!, segment, tile, fixedFeeds, state);
        options.onProgress?.(++done, total);
      }
      for (const [tensor, reader] of last) {
        if (reader !== index) continue;
        state.images.delete(tensor);
        state.tokens.delete(tensor);
        state.statistics.delete(tensor);
      }
    }
    const sample = state.images.get(plan.sample.tensor)!;
    return { data: sample.toFloat32(), dims: [batch, sample.channels, sample.height, sample.width], tiles: tiles.length };
  }

  async release(): Promise<void> {
    const sessions = this.#sessions;
    this.#sessions = undefined;
    await Promise.all((sessions ?? []).map((session) => session.release()));
  }

  /** Feeds that are the same for every tile: GroupNorm statistics and whole-latent tokens. */
  #fixedFeeds(segment: VaeDecoderSegment, state: DecodeState): Record<string, HostTensor> {
    const feeds: Record<string, HostTensor> = {};
    for (const input of segment.imageInputs) {
      if (!input.norm) continue;
      const { groups, eps } = input.norm;
      const { mean, invStd } = state.statistics.get(input.tensor)!.normalization(eps);
      feeds[`${input.port}_mean`] = { type: 'float32', data: mean, dims: [state.batch, groups, 1] };
      feeds[`${input.port}_inv_std`] = { type: 'float32', data: invStd, dims: [state.batch, groups, 1] };
    }
    for (const input of segment.tokenInputs) feeds[input.port] = state.tokens.get(input.tensor)!.tensor();
    return feeds;
  }

  #allocateOutputs(segment: VaeDecoderSegment, state: DecodeState): void {
    const { dtype } = this.#plan;
    const { latent, batch } = state;
    for (const output of segment.imageOutputs) {
      state.images.set(output.tensor, new ImageBuffer(dtype, batch, output.channels, latent.height * output.scale, latent.width * output.scale));
      if (output.statsGroups !== null) state.statistics.set(output.tensor, new GroupStatistics(batch, output.statsGroups));
    }
    for (const output of segment.tokenOutputs) {
      state.tokens.set(output.tensor, new TokenBuffer(dtype, batch, latent.height * segment.outputScale, latent.width * segment.outputScale, output.channels));
    }
  }

  async #runTile(session: ModelSession, segment: VaeDecoderSegment, tile: Rect, fixedFeeds: Record<string, HostTensor>, state: DecodeState): Promise<void> {
    const { dtype } = this.#plan;
    const placement = placeTile(tile, state.latent, segment);
    const feeds: Record<string, HostTensor> = { ...fixedFeeds };
    for (const input of segment.imageInputs) feeds[input.port] = state.images.get(input.tensor)!.read(placement.input);
    if (segment.imageOutputs.length > 0) {
      feeds[CROP_START] = int64(placement.cropStart);
      feeds[CROP_END] = int64(placement.cropEnd);
    }
    const outputs = await session.run(feeds);
    for (const output of segment.imageOutputs) {
      state.images.get(output.tensor)!.write(placement.core, checkFloatTensor(outputs[output.port], dtype, `${segment.name} output ${output.port}`));
      if (output.statsGroups === null) continue;
      const perGroup = (output.channels / output.statsGroups) * rectArea(placement.core);
      const mean = outputs[`${output.port}_mean`]!.data as Float32Array;
      const m2 = outputs[`${output.port}_m2`]!.data as Float32Array;
      state.statistics.get(output.tensor)!.add(perGroup, mean, m2);
    }
    // Token segments have no halo: the region read is the core.
    for (const output of segment.tokenOutputs) {
      state.tokens.get(output.tensor)!.write(placement.input, checkFloatTensor(outputs[output.port], dtype, `${segment.name} output ${output.port}`));
    }
  }
}
