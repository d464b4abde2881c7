/**
 * The VAE decoder of vae.ts cut at every GroupNorm, so that a tiled decode can compute each
 * GroupNorm's statistics over the WHOLE image (all tiles) before any tile goes past it — the
 * "synchronised GroupNorm" of the ScaleCrafter reference's `--vae_tiling` (sync_tiled_decode.py),
 * here made exact: every segment also states the halo its tiles need so that each output pixel
 * sees the same input as in a full decode.
 *
 * A segment starts at a GroupNorm whose statistics come in as graph inputs (`<port>_mean`,
 * `<port>_inv_std`, float32 [batch, groups, 1]) — the first one at the latents — and ends where
 * the next GroupNorm's input is produced. Each image output is cropped to its tile's core inside
 * the graph (`crop_start`/`crop_end`, int64 [2]: rows, columns in output pixels of the input
 * region) and, when a GroupNorm reads it next, comes with that core's per-group mean and sum of
 * squared deviations (`<port>_mean`, `<port>_m2`, float32 [batch, groups]), which the caller
 * merges across tiles.
 *
 * Nodes and parameters keep the full decoder's names ("/decoder/up_blocks.0/resnets.1/conv1/Conv",
 * "decoder.up_blocks.0.resnets.1.conv1.weight"), so the same WeightSource feeds both.
 *
 * The mid-block attention is global: its segment takes the keys and values of the WHOLE latent
 * (computed tile by tile by a segment of their own) and attends from one tile of queries, so it is
 * exact too; its memory grows with the latent area (2·S·C values), unlike every other segment.
 */
import { GraphBuilder, type OnnxModel, type Value } from '../../onnx/graph-builder.js';
import { add, cast, constantInt64, expand, mul, multiHeadAttention, reduceMean, reshape, shape, slice, sub, transpose } from '../../onnx/ops.js';
import type { WeightSource } from '../weights/weight-source.js';
import { silu } from './layers/activations.js';
import { conv2d } from './layers/conv2d.js';
import { inModule, parameter, type FloatType, type LayerContext } from './layers/layer-context.js';
import { linear } from './layers/linear.js';
import { upsample2D } from './layers/resampling.js';
import { VAE_NORM_EPS, vaeScaleFactor, type VaeConfig } from './vae-config.js';

/** A GroupNorm whose statistics the caller supplies: the module it belongs to and its shape. */
export interface GroupNormSite {
  module: string;
  groups: number;
  eps: number;
}

/** An NCHW activation crossing a segment boundary; `tensor` names it across segments. */
export interface ImagePort {
  port: string;
  tensor: string;
  channels: number;
  /** Pixels per latent pixel at this activation's resolution. */
  scale: number;
}

export interface SegmentImageInput extends ImagePort {
  /** The GroupNorm applied to it on entry, or null for a plain input (a residual, the latents). */
  norm: GroupNormSite | null;
}

export interface SegmentImageOutput extends ImagePort {
  /** Groups of the GroupNorm that reads this activation next (statistics are output), or null. */
  statsGroups: number | null;
}

/** Attention keys or values as tokens [batch, positions, channels], positions row-major over the latent. */
export interface TokenPort {
  port: string;
  tensor: string;
  channels: number;
}

export interface VaeDecoderSegment {
  /** The module the segment starts at ("decoder.up_blocks.0.resnets.1.norm2"), plus a role where one module opens two. */
  name: string;
  model: OnnxModel;
  /** Context each tile needs around its core, in input pixels, so its core equals a full decode. */
  halo: number;
  inputScale: number;
  outputScale: number;
  imageInputs: SegmentImageInput[];
  /** Inputs that hold the whole latent's tokens (not tiled). */
  tokenInputs: TokenPort[];
  imageOutputs: SegmentImageOutput[];
  tokenOutputs: TokenPort[];
}

export interface VaeDecoderSegments {
  dtype: FloatType;
  segments: VaeDecoderSegment[];
  /** The latents the first segment reads (already divided by the latent scale). */
  latent: ImagePort;
  /** The decoded image the last segment writes, [batch, out_channels, 8h, 8w]. */
  sample: ImagePort;
}

/** One op on a tile's path that widens the context it needs (pointwise ops widen nothing). */
type SpatialOp = 'conv3x3' | 'upsample2x';

/**
 * Context a chain of ops needs, in input pixels: walking back from the output, a 3×3 conv adds one
 * pixel and a nearest 2× upsample halves what is needed (rounded up), since each input pixel
 * feeds two output pixels.
 */
export function haloOf(ops: readonly SpatialOp[]): number {
  let halo = 0;
  for (let i = ops.length - 1; i >= 0; i--) halo = ops[i] === 'conv3x3' ? halo + 1 : Math.ceil(halo / 2);
  return halo;
}

/** Graph inputs of every segment with image outputs: the core's [row, column] start and end in the output region. */
export const CROP_START = 'crop_start';
export const CROP_END = 'crop_end';

interface SegmentContext extends LayerContext {
  imageInputs: SegmentImageInput[];
  tokenInputs: TokenPort[];
  imageOutputs: SegmentImageOutput[];
  tokenOutputs: TokenPort[];
  crop?: { start: Value; end: Value };
}

/** Runs `fn` inside the nested module scopes `path` (["decoder", "up_blocks.0", "resnets.1"]). */
function inPath<T>(ctx: LayerContext, path: readonly string[], fn: () => T): T {
  if (path.length === 0) return fn();
  return inModule(ctx, path[0]!, () => inPath(ctx, path.slice(1), fn));
}

function imageInput(ctx: SegmentContext, spec: SegmentImageInput): Value {
  ctx.imageInputs.push(spec);
  return ctx.g.input(spec.port, ctx.dtype, ['batch', spec.channels, `${spec.port}_height`, `${spec.port}_width`]);
}

function groupNormSite(path: readonly string[], config: VaeConfig): GroupNormSite {
  return { module: path.join('.'), groups: config.normGroups, eps: VAE_NORM_EPS };
}

/**
 * An input that enters through a GroupNorm with statistics from outside. GroupNorm is then an
 * affine map per channel: y = x · a + b with a = inv_std_g · γ_c and b = β_c − mean_g · a, where
 * g is the channel's group. a and b are computed from the small [batch, groups] statistics in
 * float32, so the image itself takes two elementwise passes instead of InstanceNormalization's
 * reduction. Returns the raw input too (a residual may need it).
 */
function normalizedInput(ctx: SegmentContext, spec: ImagePort, normPath: readonly string[], config: VaeConfig): { raw: Value; normed: Value } {
  const { g } = ctx;
  const site = groupNormSite(normPath, config);
  const c = spec.channels;
  const raw = imageInput(ctx, { ...spec, norm: site });
  const mean = g.input(`${spec.port}_mean`, 'float32', ['batch', site.groups, 1]);
  const invStd = g.input(`${spec.port}_inv_std`, 'float32', ['batch', site.groups, 1]);
  const toDtype = (value: Value) => (ctx.dtype === 'float32' ? value : cast(g, value, { to: ctx.dtype }));
  const toFloat32 = (value: Value) => (ctx.dtype === 'float32' ? value : cast(g, value, { to: 'float32' }));
  const normed = inPath(ctx, normPath, () => {
    // [batch, groups, 1] → [batch, C, 1, 1]: each group's value repeated over its C / groups channels.
    const perChannel = (value: Value) => reshape(g, expand(g, value, constantInt64(g, [1, site.groups, c / site.groups])), constantInt64(g, [0, c, 1, 1]));
    const scale = mul(g, perChannel(invStd), toFloat32(parameter(ctx, 'weight', [c], [c, 1, 1])));
    const shift = sub(g, toFloat32(parameter(ctx, 'bias', [c], [c, 1, 1])), mul(g, perChannel(mean), scale));
    return add(g, mul(g, raw, toDtype(scale)), toDtype(shift));
  });
  return { raw, normed };
}

/**
 * The tile's core of `value` as output `spec.port`, and — when a GroupNorm reads it next — the
 * core's mean and sum of squared deviations from it per sample and group (`_mean`, `_m2`,
 * float32): two passes, so no precision is lost to E[x²] − E[x]².
 */
function imageOutput(ctx: SegmentContext, value: Value, spec: SegmentImageOutput): void {
  const { g } = ctx;
  ctx.imageOutputs.push(spec);
  const window = cropWindow(ctx);
  const core = slice(g, value, window.start, window.end, constantInt64(g, [2, 3]), null);
  g.output(core, spec.port, ctx.dtype, ['batch', spec.channels, 'core_height', 'core_width']);
  if (spec.statsGroups === null) return;
  const wide = ctx.dtype === 'float32' ? core : cast(g, core, { to: 'float32' });
  const grouped = reshape(g, wide, constantInt64(g, [0, spec.statsGroups, -1]));
  const axes = constantInt64(g, [2]);
  const mean = reduceMean(g, grouped, axes, { keepdims: 1 });
  const [m2] = g.node('ReduceSumSquare', [sub(g, grouped, mean), axes], { keepdims: { int: 0 } });
  g.output(reshape(g, mean, constantInt64(g, [0, spec.statsGroups])), `${spec.port}_mean`, 'float32', ['batch', spec.statsGroups]);
  g.output(m2!, `${spec.port}_m2`, 'float32', ['batch', spec.statsGroups]);
}

/** The crop window inputs, created with the segment's first image output. */
function cropWindow(ctx: SegmentContext): { start: Value; end: Value } {
  ctx.crop ??= { start: ctx.g.input(CROP_START, 'int64', [2]), end: ctx.g.input(CROP_END, 'int64', [2]) };
  return ctx.crop;
}

interface SegmentDraft {
  name: string;
  ops: SpatialOp[];
  inputScale: number;
  outputScale: number;
  build(ctx: SegmentContext): void;
}

function buildSegment(draft: SegmentDraft, weights: WeightSource, dtype: FloatType): VaeDecoderSegment {
  const g = new GraphBuilder({ graphName: `vae_decoder ${draft.name}` });
  const ctx: SegmentContext = { g, weights, dtype, imageInputs: [], tokenInputs: [], imageOutputs: [], tokenOutputs: [] };
  draft.build(ctx);
  return {
    name: draft.name,
    model: g.build({ metadata: { 'scalecrafter.vae_segment': draft.name } }),
    halo: haloOf(draft.ops),
    inputScale: draft.inputScale,
    outputScale: draft.outputScale,
    imageInputs: ctx.imageInputs,
    tokenInputs: ctx.tokenInputs,
    imageOutputs: ctx.imageOutputs,
    tokenOutputs: ctx.tokenOutputs,
  };
}

/** An activation between segments: its name, width and resolution. */
type Activation = Omit<ImagePort, 'port'>;

/**
 * ResnetBlock2D (resnet-block.ts) as two segments: norm1 → SiLU → conv1, then norm2 → SiLU →
 * conv2 + shortcut(x) — followed by the block's 2× upsampler when `upsampler` is given (no
 * GroupNorm lies between them, so it joins the second segment and its input never leaves it).
 */
function resnetDrafts(config: VaeConfig, module: string[], x: Activation, outChannels: number, upsampler: string[] | null): { drafts: SegmentDraft[]; output: Activation } {
  const name = module.join('.');
  const hidden: Activation = { tensor: `${name}.conv1`, channels: outChannels, scale: x.scale };
  const outputScale = upsampler ? 2 * x.scale : x.scale;
  const output: Activation = { tensor: (upsampler ?? module).join('.'), channels: outChannels, scale: outputScale };
  const first: SegmentDraft = {
    name: `${name}.norm1`,
    ops: ['conv3x3'],
    inputScale: x.scale,
    outputScale: x.scale,
    build: (ctx) => {
      const { normed } = normalizedInput(ctx, { port: 'x', ...x }, [...module, 'norm1'], config);
      const h = inPath(ctx, [...module, 'conv1'], () => conv2d(ctx, silu(ctx, normed), x.channels, outChannels, 3));
      imageOutput(ctx, h, { port: 'h', ...hidden, statsGroups: config.normGroups });
    },
  };
  const second: SegmentDraft = {
    name: `${name}.norm2`,
    ops: upsampler ? ['conv3x3', 'upsample2x', 'conv3x3'] : ['conv3x3'],
    inputScale: x.scale,
    outputScale,
    build: (ctx) => {
      const { normed } = normalizedInput(ctx, { port: 'h', ...hidden }, [...module, 'norm2'], config);
      const residual = imageInput(ctx, { port: 'x', ...x, norm: null });
      const h = inPath(ctx, [...module, 'conv2'], () => conv2d(ctx, silu(ctx, normed), outChannels, outChannels, 3));
      const shortcut = x.channels === outChannels ? residual : inPath(ctx, [...module, 'conv_shortcut'], () => conv2d(ctx, residual, x.channels, outChannels, 1));
      let y = inPath(ctx, module, () => add(ctx.g, shortcut, h));
      if (upsampler) {
        const blockOutput = y;
        y = inPath(ctx, upsampler, () => upsample2D(ctx, blockOutput, outChannels, null));
      }
      imageOutput(ctx, y, { port: 'y', ...output, statsGroups: config.normGroups });
    },
  };
  return { drafts: [first, second], output };
}

/**
 * The mid block's single-head attention (vae-mid-block.ts vaeAttention) as two segments: the keys
 * and values of every position (pointwise: no halo), then each tile of queries against all of them.
 */
function attentionDrafts(config: VaeConfig, module: string[], x: Activation): { drafts: SegmentDraft[]; output: Activation } {
  const name = module.join('.');
  const c = x.channels;
  const normPath = [...module, 'group_norm'];
  const keys: TokenPort = { port: 'k', tensor: `${name}.to_k`, channels: c };
  const values: TokenPort = { port: 'v', tensor: `${name}.to_v`, channels: c };
  const output: Activation = { tensor: name, channels: c, scale: x.scale };
  const toTokens = (ctx: LayerContext, image: Value) => reshape(ctx.g, transpose(ctx.g, image, { perm: [0, 2, 3, 1] }), constantInt64(ctx.g, [0, -1, c]));
  const projections: SegmentDraft = {
    name: `${name}.group_norm:keys_values`,
    ops: [],
    inputScale: x.scale,
    outputScale: x.scale,
    build: (ctx) => {
      const tokens = toTokens(ctx, normalizedInput(ctx, { port: 'x', ...x }, normPath, config).normed);
      for (const [spec, projection] of [[keys, 'to_k'], [values, 'to_v']] as const) {
        const projected = inPath(ctx, [...module, projection], () => linear(ctx, tokens, c, c));
        ctx.tokenOutputs.push(spec);
        ctx.g.output(projected, spec.port, ctx.dtype, ['batch', 'core_positions', c]);
      }
    },
  };
  const attend: SegmentDraft = {
    name: `${name}.group_norm:attend`,
    ops: [],
    inputScale: x.scale,
    outputScale: x.scale,
    build: (ctx) => {
      const { g } = ctx;
      const { raw, normed } = normalizedInput(ctx, { port: 'x', ...x }, normPath, config);
      let q = inPath(ctx, [...module, 'to_q'], () => linear(ctx, toTokens(ctx, normed), c, c));
      let [k, v] = [keys, values].map((spec) => {
        ctx.tokenInputs.push(spec);
        return g.input(spec.port, ctx.dtype, ['batch', 'positions', c]);
      }) as [Value, Value];
      // diffusers' VAE attention upcasts its softmax (upcast_softmax): float32 around it, as attention.ts does.
      const upcast = ctx.dtype === 'float16';
      if (upcast) [q, k, v] = [q, k, v].map((value) => cast(g, value, { to: 'float32' })) as [Value, Value, Value];
      let attended = inPath(ctx, module, () => multiHeadAttention(g, q, k, v, { numHeads: 1, scale: 1 / Math.sqrt(c) }));
      if (upcast) attended = cast(g, attended, { to: ctx.dtype });
      const projected = inPath(ctx, [...module, 'to_out.0'], () => linear(ctx, attended, c, c));
      const image = reshape(g, transpose(g, projected, { perm: [0, 2, 1] }), shape(g, raw));
      imageOutput(ctx, inPath(ctx, module, () => add(g, image, raw)), { port: 'y', ...output, statsGroups: config.normGroups });
    },
  };
  return { drafts: [projections, attend], output };
}

export interface VaeSegmentsOptions {
  /** Weights and float I/O of the segments; default float32. */
  dtype?: FloatType;
}

/**
 * The decoder of `buildVaeDecoder(config, weights)` as segments in execution order. Running them
 * over tiles with whole-image GroupNorm statistics (app/diffusion/vae-tiling) reproduces the full
 * decoder's output.
 */
export function buildVaeDecoderSegments(config: VaeConfig, weights: WeightSource, options: VaeSegmentsOptions = {}): VaeDecoderSegments {
  const dtype = options.dtype ?? 'float32';
  const latentChannels = config.latentChannels;
  const reversed = [...config.blockOutChannels].reverse();
  const latent: ImagePort = { port: 'latent_sample', tensor: 'latent_sample', channels: latentChannels, scale: 1 };
  let current: Activation = { tensor: 'decoder.conv_in', channels: reversed[0]!, scale: 1 };
  const drafts: SegmentDraft[] = [];
  const entry = current;
  drafts.push({
    name: 'decoder.conv_in',
    ops: ['conv3x3'],
    inputScale: 1,
    outputScale: 1,
    build: (ctx) => {
      const input = imageInput(ctx, { ...latent, norm: null });
      const z = config.usePostQuantConv ? inModule(ctx, 'post_quant_conv', () => conv2d(ctx, input, latentChannels, latentChannels, 1)) : input;
      const h = inPath(ctx, ['decoder', 'conv_in'], () => conv2d(ctx, z, latentChannels, entry.channels, 3));
      imageOutput(ctx, h, { port: 'y', ...entry, statsGroups: config.normGroups });
    },
  });
  const append = (step: { drafts: SegmentDraft[]; output: Activation }) => {
    drafts.push(...step.drafts);
    current = step.output;
  };
  const mid = ['decoder', 'mid_block'];
  append(resnetDrafts(config, [...mid, 'resnets.0'], current, current.channels, null));
  if (config.midBlockAttention) append(attentionDrafts(config, [...mid, 'attentions.0'], current));
  append(resnetDrafts(config, [...mid, 'resnets.1'], current, current.channels, null));
  reversed.forEach((channels, i) => {
    const block = ['decoder', `up_blocks.${i}`];
    // UpDecoderBlock2D: layers_per_block + 1 resnets, the last one followed by the upsampler except on the last level.
    for (let j = 0; j <= config.layersPerBlock; j++) {
      const upsampler = j === config.layersPerBlock && i < reversed.length - 1 ? [...block, 'upsamplers.0'] : null;
      append(resnetDrafts(config, [...block, `resnets.${j}`], current, channels, upsampler));
    }
  });
  const scaleFactor = vaeScaleFactor(config);
  const sample: ImagePort = { port: 'sample', tensor: 'sample', channels: config.outChannels, scale: scaleFactor };
  const head = current;
  drafts.push({
    name: 'decoder.conv_norm_out',
    ops: ['conv3x3'],
    inputScale: head.scale,
    outputScale: head.scale,
    build: (ctx) => {
      const { normed } = normalizedInput(ctx, { port: 'x', ...head }, ['decoder', 'conv_norm_out'], config);
      const image = inPath(ctx, ['decoder', 'conv_out'], () => conv2d(ctx, silu(ctx, normed), head.channels, config.outChannels, 3));
      imageOutput(ctx, image, { ...sample, statsGroups: null });
    },
  });
  return { dtype, segments: drafts.map((draft) => buildSegment(draft, weights, dtype)), latent, sample };
}
