/**
 * UNet2DConditionModel (diffusers unet_2d_condition.py) as an ONNX graph, SD 1.x / 2.x / SDXL layouts.
 * I/O as the diffusers / optimum ONNX export:
 *   sample [batch, in_channels, height, width], timestep [timestep_batch] or a scalar (float32,
 *   float16 or int64; length 1 broadcasts over the batch), encoder_hidden_states [batch, sequence, cross_dim]
 *   and, for SDXL (addition_embed_type "text_time"), text_embeds [batch, pooled_dim] and
 *   time_ids [batch, time_id_count] (both of the graph's float type, as optimum exports them)
 *   → out_sample [batch, out_channels, height, width].
 * Node names follow the module paths ("/down_blocks.1/resnets.0/conv1/Conv"), parameters are
 * asked of the WeightSource by their diffusers names.
 */
import { GraphBuilder, type OnnxModel, type Value } from '../../onnx/graph-builder.js';
import { add, cast, concat } from '../../onnx/ops.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import type { WeightSource } from '../weights/weight-source.js';
import { silu } from './layers/activations.js';
import { conv2d } from './layers/conv2d.js';
import { inModule, type FloatType, type LayerContext } from './layers/layer-context.js';
import { groupNorm } from './layers/normalization.js';
import { downsample2D, upsample2D } from './layers/resampling.js';
import { resnetBlock2D } from './layers/resnet-block.js';
import { addedTextTimeEmbedding, timestepEmbedding } from './layers/timestep-embedding.js';
import { transformer2D } from './layers/transformer-2d.js';
import type { UNetConfig } from './unet-config.js';
import { planUNet, type LevelBlockPlan, type ResnetPlan, type TransformerPlan, type UNetPlan } from './unet-plan.js';

export interface UNetBuildOptions {
  /** Weights and activations (sample, encoder_hidden_states, out_sample). Default float32. */
  dtype?: FloatType;
  /** Element type of the `timestep` input; the sinusoid is computed in float32 either way. Default float32. */
  timestepType?: 'float32' | 'float16' | 'int64';
  /**
   * 'batch' (default): timestep [timestep_batch], as diffusers' convert script and optimum 1.x export it;
   * 'scalar': a rank-0 timestep, as current optimum exports it (its dummy timestep has shape []).
   */
  timestepShape?: 'batch' | 'scalar';
  /**
   * SDXL only: how many time ids each sample carries (6 for the base model: original size, crop
   * offset, target size; the refiner's 5 swap the target size for an aesthetic score). The pooled
   * text width is what projection_class_embeddings_input_dim leaves. Default 6.
   */
  timeIdCount?: number;
  /** Extra model metadata_props (e.g. the config it was built from). */
  metadata?: Record<string, string>;
}

interface UNetGraphState {
  ctx: LayerContext;
  plan: UNetPlan;
  temb: { value: Value; channels: number };
  text: Value;
}

export function buildUNet(config: UNetConfig, weights: WeightSource, options: UNetBuildOptions = {}): OnnxModel {
  const dtype = options.dtype ?? 'float32';
  const timestepType = options.timestepType ?? 'float32';
  const plan = planUNet(config);
  const g = new GraphBuilder({ graphName: 'unet' });
  const ctx: LayerContext = { g, weights, dtype };

  const sample = g.input('sample', dtype, ['batch', config.inChannels, 'height', 'width']);
  const timestepInput = g.input('timestep', timestepType, options.timestepShape === 'scalar' ? [] : ['timestep_batch']);
  const text = g.input('encoder_hidden_states', dtype, ['batch', 'sequence', config.crossAttentionDim]);

  const timestep = timestepType === 'float32' ? timestepInput : cast(g, timestepInput, { to: 'float32' });
  let tembValue = timestepEmbedding(ctx, timestep, sample, {
    channels: plan.timeEmbeddingInputDim,
    embeddingDim: plan.timeEmbeddingDim,
    flipSinToCos: config.flipSinToCos,
    freqShift: config.freqShift,
  });
  if (config.addedTextTime) tembValue = add(g, tembValue, textTimeEmbedding(ctx, config, plan, options.timeIdCount ?? SDXL_TIME_ID_COUNT));
  const state: UNetGraphState = { ctx, plan, temb: { value: tembValue, channels: plan.timeEmbeddingDim }, text };

  const base = config.blockOutChannels[0]!;
  let h = inModule(ctx, 'conv_in', () => conv2d(ctx, sample, config.inChannels, base, config.convInKernel));
  const skips: Value[] = [h];
  plan.downBlocks.forEach((block, i) => {
    h = inModule(ctx, `down_blocks.${i}`, () => downBlock(state, block, h, skips));
  });
  h = inModule(ctx, 'mid_block', () => {
    const mid = plan.midBlock;
    let x = inModule(ctx, 'resnets.0', () => resnet(state, mid.resnets[0], h));
    x = inModule(ctx, 'attentions.0', () => transformer(state, mid.attention, x));
    return inModule(ctx, 'resnets.1', () => resnet(state, mid.resnets[1], x));
  });
  plan.upBlocks.forEach((block, i) => {
    h = inModule(ctx, `up_blocks.${i}`, () => upBlock(state, block, h, skips));
  });
  h = inModule(ctx, 'conv_norm_out', () => groupNorm(ctx, h, base, config.normGroups, config.normEps));
  h = silu(ctx, h);
  const out = inModule(ctx, 'conv_out', () => conv2d(ctx, h, base, config.outChannels, config.convOutKernel));
  g.output(out, 'out_sample', dtype, ['batch', config.outChannels, 'height', 'width']);
  return g.build(options.metadata ? { metadata: options.metadata } : {});
}

/** SDXL base's time ids: original height/width, crop top/left, target height/width. */
export const SDXL_TIME_ID_COUNT = 6;

/** The text_embeds and time_ids inputs and add_embedding's output [B, temb], to be added to the time embedding. */
function textTimeEmbedding(ctx: LayerContext, config: UNetConfig, plan: UNetPlan, timeIdCount: number): Value {
  const { g } = ctx;
  const added = config.addedTextTime!;
  const textDim = added.inputDim - timeIdCount * added.timeEmbedDim;
  if (!Number.isInteger(timeIdCount) || timeIdCount < 1 || textDim < 1) {
    throw new UserFacingError(`projection_class_embeddings_input_dim ${added.inputDim} leaves no room for a pooled text embedding beside ${timeIdCount} time ids of ${added.timeEmbedDim}`, {
      field: 'timeIdCount',
      hint: 'SDXL base takes 6 time ids (input dim 2816), the refiner 5 (2560)',
    });
  }
  const textEmbeds = g.input('text_embeds', ctx.dtype, ['batch', textDim]);
  const timeIdsInput = g.input('time_ids', ctx.dtype, ['batch', timeIdCount]);
  const timeIds = ctx.dtype === 'float32' ? timeIdsInput : cast(g, timeIdsInput, { to: 'float32' });
  return addedTextTimeEmbedding(ctx, textEmbeds, timeIds, {
    ...added,
    embeddingDim: plan.timeEmbeddingDim,
    flipSinToCos: config.flipSinToCos,
    freqShift: config.freqShift,
  });
}

function resnet(state: UNetGraphState, plan: ResnetPlan, x: Value): Value {
  const { config } = state.plan;
  return resnetBlock2D(state.ctx, x, state.temb, {
    inChannels: plan.inChannels,
    outChannels: plan.outChannels,
    groups: config.normGroups,
    eps: config.normEps,
    outputScaleFactor: plan.outputScaleFactor,
  });
}

function transformer(state: UNetGraphState, plan: TransformerPlan, x: Value): Value {
  const { config } = state.plan;
  return transformer2D(state.ctx, x, state.text, { ...plan, groups: config.normGroups, upcastAttention: config.upcastAttention });
}

/** CrossAttnDownBlock2D / DownBlock2D: (resnet → attention?) × n, each output pushed as a skip, then the downsampler's. */
function downBlock(state: UNetGraphState, block: LevelBlockPlan, x: Value, skips: Value[]): Value {
  const { ctx } = state;
  let h = x;
  block.resnets.forEach((plan, j) => {
    h = inModule(ctx, `resnets.${j}`, () => resnet(state, plan, h));
    const attention = block.attentions[j];
    if (attention) h = inModule(ctx, `attentions.${j}`, () => transformer(state, attention, h));
    skips.push(h);
  });
  if (block.resampleChannels !== null) {
    const channels = block.resampleChannels;
    h = inModule(ctx, 'downsamplers.0', () => downsample2D(ctx, h, channels, state.plan.config.downsamplePadding));
    skips.push(h);
  }
  return h;
}

/** CrossAttnUpBlock2D / UpBlock2D: (concat the last skip on channels → resnet → attention?) × n, then the upsampler. */
function upBlock(state: UNetGraphState, block: LevelBlockPlan, x: Value, skips: Value[]): Value {
  const { ctx } = state;
  let h = x;
  block.resnets.forEach((plan, j) => {
    const skip = skips.pop();
    if (skip === undefined) throw new Error(`${plan.path}: no skip tensor left (the plan's skip count check should have caught this)`);
    const joined = concat(ctx.g, [h, skip], { axis: 1 });
    h = inModule(ctx, `resnets.${j}`, () => resnet(state, plan, joined));
    const attention = block.attentions[j];
    if (attention) h = inModule(ctx, `attentions.${j}`, () => transformer(state, attention, h));
  });
  if (block.resampleChannels !== null) {
    const channels = block.resampleChannels;
    const nextSkip = skips[skips.length - 1] ?? null;
    h = inModule(ctx, 'upsamplers.0', () => upsample2D(ctx, h, channels, nextSkip));
  }
  return h;
}
