/**
 * How much memory a tiled decode needs, estimated from the segment plan (no session runs):
 *
 * - per tile, on the device: the largest working set of any segment for the largest tile — its
 *   inputs over the tile's region with halo, its outputs over the core, and two activations of
 *   the widest channel count over the output region (a producer and its consumer alive at once;
 *   ONNX Runtime's planner reuses everything else). It depends on the tile size, not the image.
 * - the mid-block attention's exception: it holds the keys and values of the WHOLE latent
 *   (2 · S · C values, S = latent positions), and ONNX Runtime's CPU kernel also materialises the
 *   float32 query × key scores of one tile (WebGPU's flash attention does not).
 * - on the host: the whole-image activations alive between segments at the busiest point.
 */
import type { VaeDecoderSegment, VaeDecoderSegments } from '../../models/sd/vae-segments.js';
import { tileGrid, type Size } from './tile-grid.js';

export interface TileMemoryEstimate {
  /** Largest device working set of one segment on one tile, whole-latent tokens excluded. */
  tileBytes: number;
  /** The segment where that peak is. */
  tileSegment: string;
  /** Keys and values of the whole latent, held while attention runs (grows with the latent area). */
  tokenBytes: number;
  /** float32 query × key scores of one tile, on execution providers that materialise them (CPU). */
  attentionScoreBytes: number;
  /** Whole-image activations held in host memory at the busiest point of the decode. */
  hostBytes: number;
}

function largestTile(latent: Size, tileSize: number): Size {
  const tiles = tileGrid(latent, tileSize);
  return {
    height: Math.max(...tiles.map((tile) => tile.bottom - tile.top)),
    width: Math.max(...tiles.map((tile) => tile.right - tile.left)),
  };
}

function segmentBytes(segment: VaeDecoderSegment, tile: Size, latent: Size, batch: number, elementBytes: number): number {
  const { inputScale, halo } = segment;
  const ratio = segment.outputScale / inputScale;
  const regionIn = Math.min(tile.height * inputScale + 2 * halo, latent.height * inputScale) * Math.min(tile.width * inputScale + 2 * halo, latent.width * inputScale);
  const regionOut = regionIn * ratio * ratio;
  const coreOut = tile.height * tile.width * segment.outputScale ** 2;
  const coreIn = tile.height * tile.width * inputScale ** 2;
  const channels = [...segment.imageInputs, ...segment.imageOutputs, ...segment.tokenOutputs].map((port) => port.channels);
  const values =
    segment.imageInputs.reduce((sum, input) => sum + input.channels * regionIn, 0) +
    segment.imageOutputs.reduce((sum, output) => sum + output.channels * coreOut, 0) +
    segment.tokenOutputs.reduce((sum, output) => sum + output.channels * coreIn, 0) +
    2 * Math.max(...channels) * regionOut;
  return batch * values * elementBytes;
}

/** Host bytes of the whole-image activations alive at the busiest segment. */
function hostBytes(plan: VaeDecoderSegments, latent: Size, batch: number, elementBytes: number): number {
  const lastRead = new Map<string, number>();
  plan.segments.forEach((segment, index) => [...segment.imageInputs, ...segment.tokenInputs].forEach((input) => lastRead.set(input.tensor, index)));
  const area = latent.height * latent.width;
  const live = new Map<string, number>([[plan.latent.tensor, batch * plan.latent.channels * area * elementBytes]]);
  let peak = 0;
  plan.segments.forEach((segment, index) => {
    for (const output of segment.imageOutputs) live.set(output.tensor, batch * output.channels * area * output.scale ** 2 * elementBytes);
    for (const output of segment.tokenOutputs) live.set(output.tensor, batch * output.channels * area * segment.outputScale ** 2 * elementBytes);
    peak = Math.max(peak, [...live.values()].reduce((sum, bytes) => sum + bytes, 0));
    for (const [tensor, reader] of lastRead) if (reader === index) live.delete(tensor);
  });
  return peak;
}

export function estimateTileMemory(plan: VaeDecoderSegments, batch: number, latent: Size, tileSize: number): TileMemoryEstimate {
  const elementBytes = plan.dtype === 'float16' ? 2 : 4;
  const tile = largestTile(latent, tileSize);
  let tileBytes = 0;
  let tileSegment = '';
  let tokenBytes = 0;
  let attentionScoreBytes = 0;
  for (const segment of plan.segments) {
    const bytes = segmentBytes(segment, tile, latent, batch, elementBytes);
    if (bytes > tileBytes) [tileBytes, tileSegment] = [bytes, segment.name];
    if (segment.tokenInputs.length === 0) continue;
    const positions = latent.height * latent.width * segment.inputScale ** 2;
    tokenBytes = Math.max(tokenBytes, segment.tokenInputs.reduce((sum, input) => sum + batch * positions * input.channels * elementBytes, 0));
    attentionScoreBytes = Math.max(attentionScoreBytes, batch * tile.height * tile.width * segment.inputScale ** 2 * positions * 4);
  }
  return { tileBytes, tileSegment, tokenBytes, attentionScoreBytes, hostBytes: hostBytes(plan, latent, batch, elementBytes) };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
}
