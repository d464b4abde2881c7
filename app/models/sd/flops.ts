/**
 * Size and arithmetic cost of a UNet, counted from the resolved plan (unet-plan.ts).
 *
 * Parameters: every weight and bias the diffusers module holds (torch's `numel` summed).
 * FLOPs: 2 × multiply-accumulates of every Conv, Linear and attention product (Q·Kᵀ and P·V),
 * for ONE sample (classifier-free guidance runs two per step). Normalisations, activations,
 * softmax, residual adds, resizes and biases are left out: they are O(activations), not
 * O(activations × channels). That is the MAC convention of the BK-SDM paper's tables
 * (arXiv 2305.15798), doubled.
 */
import type { LevelBlockPlan, ResnetPlan, TransformerPlan, UNetPlan } from './unet-plan.js';

interface SpatialSize {
  height: number;
  width: number;
}

/** Parameter count and MACs of one module at one spatial size. */
interface Cost {
  params: number;
  macs: number;
}

const sum = (...costs: Cost[]): Cost => costs.reduce((a, b) => ({ params: a.params + b.params, macs: a.macs + b.macs }), { params: 0, macs: 0 });

function conv(inChannels: number, outChannels: number, kernel: number, output: SpatialSize): Cost {
  const weights = inChannels * outChannels * kernel * kernel;
  return { params: weights + outChannels, macs: weights * output.height * output.width };
}

function linear(inFeatures: number, outFeatures: number, tokens: number, bias = true): Cost {
  return { params: inFeatures * outFeatures + (bias ? outFeatures : 0), macs: inFeatures * outFeatures * tokens };
}

const norm = (channels: number): Cost => ({ params: 2 * channels, macs: 0 });

function resnet(plan: ResnetPlan, size: SpatialSize, timeEmbeddingDim: number): Cost {
  return sum(
    norm(plan.inChannels),
    conv(plan.inChannels, plan.outChannels, 3, size),
    linear(timeEmbeddingDim, plan.outChannels, 1), // time_emb_proj on the [B, temb] vector
    norm(plan.outChannels),
    conv(plan.outChannels, plan.outChannels, 3, size),
    plan.inChannels === plan.outChannels ? { params: 0, macs: 0 } : conv(plan.inChannels, plan.outChannels, 1, size),
  );
}

/** Q·Kᵀ and P·V over all heads: 2 × queries × keys × channels. */
const attentionProducts = (queries: number, keys: number, channels: number): Cost => ({ params: 0, macs: 2 * queries * keys * channels });

function transformer(plan: TransformerPlan, size: SpatialSize, textTokens: number): Cost {
  const c = plan.channels;
  const n = size.height * size.width;
  const crossDim = plan.crossAttentionDim;
  const block = sum(
    norm(c), linear(c, c, n, false), linear(c, c, n, false), linear(c, c, n, false), linear(c, c, n), attentionProducts(n, n, c),
    norm(c), linear(c, c, n, false), linear(crossDim, c, textTokens, false), linear(crossDim, c, textTokens, false), linear(c, c, n), attentionProducts(n, textTokens, c),
    norm(c), linear(c, 8 * c, n), linear(4 * c, c, n), // GEGLU proj (C → 2·4C), ff.net.2 (4C → C)
  );
  const projections = sum(linear(c, c, n), linear(c, c, n)); // proj_in / proj_out: 1×1 conv or Linear, same count
  return sum(norm(c), projections, ...new Array<Cost>(plan.layers).fill(block));
}

function levelBlock(block: LevelBlockPlan, size: SpatialSize, timeEmbeddingDim: number, textTokens: number): Cost {
  return sum(
    ...block.resnets.map((r) => resnet(r, size, timeEmbeddingDim)),
    ...block.attentions.map((t) => transformer(t, size, textTokens)),
  );
}

/** diffusers Downsample2D: 3×3 stride-2 conv; padding 1 → ceil(n/2), padding 0 (pad right/bottom by 1) → floor(n/2). */
export function downsampledSize(size: number, padding: number): number {
  return padding === 0 ? Math.floor(size / 2) : Math.floor((size + 2 * padding - 3) / 2) + 1;
}

export interface UNetCostOptions {
  /** Latent height and width (image size / 8 with SD's VAE). */
  latentHeight: number;
  latentWidth: number;
  /** Tokens in encoder_hidden_states (77 for CLIP). */
  textTokens?: number;
}

export interface UNetCost {
  parameters: number;
  /** FLOPs (2 × MACs) of one UNet evaluation for one sample. */
  flops: number;
  /** FLOPs by top-level module: conv_in, time_embedding, add_embedding (SDXL), down_blocks.0, …, mid_block, up_blocks.…, conv_out. */
  flopsByModule: Record<string, number>;
}

export function unetCost(plan: UNetPlan, options: UNetCostOptions): UNetCost {
  const { config } = plan;
  const textTokens = options.textTokens ?? 77;
  const base = config.blockOutChannels[0]!;
  const temb = plan.timeEmbeddingDim;
  const inputSize: SpatialSize = { height: options.latentHeight, width: options.latentWidth };
  const modules: Record<string, Cost> = {};

  modules.conv_in = conv(config.inChannels, base, config.convInKernel, inputSize);
  modules.time_embedding = sum(linear(plan.timeEmbeddingInputDim, temb, 1), linear(temb, temb, 1));
  // SDXL's add_embedding MLP on [pooled text, time-id sinusoids] (add_time_proj has no weights).
  if (config.addedTextTime) modules.add_embedding = sum(linear(config.addedTextTime.inputDim, temb, 1), linear(temb, temb, 1));

  const levelSizes: SpatialSize[] = [inputSize];
  plan.downBlocks.forEach((block, i) => {
    const size = levelSizes[i]!;
    let cost = levelBlock(block, size, temb, textTokens);
    if (block.resampleChannels !== null) {
      const next = { height: downsampledSize(size.height, config.downsamplePadding), width: downsampledSize(size.width, config.downsamplePadding) };
      cost = sum(cost, conv(block.resampleChannels, block.resampleChannels, 3, next));
      levelSizes.push(next);
    }
    modules[block.path] = cost;
  });

  const deepest = levelSizes[levelSizes.length - 1]!;
  const mid = plan.midBlock;
  modules.mid_block = sum(resnet(mid.resnets[0], deepest, temb), transformer(mid.attention, deepest, textTokens), resnet(mid.resnets[1], deepest, temb));

  plan.upBlocks.forEach((block, i) => {
    const level = plan.upBlocks.length - 1 - i;
    let cost = levelBlock(block, levelSizes[level]!, temb, textTokens);
    // Upsample2D: nearest 2× up to the next skip tensor's size, then a 3×3 conv at that size.
    if (block.resampleChannels !== null) cost = sum(cost, conv(block.resampleChannels, block.resampleChannels, 3, levelSizes[level - 1]!));
    modules[block.path] = cost;
  });

  modules.conv_norm_out = norm(base);
  modules.conv_out = conv(base, config.outChannels, config.convOutKernel, inputSize);

  const flopsByModule: Record<string, number> = {};
  let parameters = 0;
  let flops = 0;
  for (const [name, cost] of Object.entries(modules)) {
    parameters += cost.params;
    flops += 2 * cost.macs;
    if (cost.macs > 0) flopsByModule[name] = 2 * cost.macs;
  }
  return { parameters, flops, flopsByModule };
}
