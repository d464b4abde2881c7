/**
 * A diffusers UNet config read off an original checkpoint's tensor shapes, as ComfyUI's
 * model_detection.py reads its unet_config: model channels and in_channels from conv_in, per
 * input block a resnet (its output channels) or a downsampler, the transformer depth from the
 * count of transformer_blocks, the context width from attn2.to_k, linear vs 1×1-conv proj_in, and
 * SDXL's added embedding from label_emb. What the file cannot tell (the head count) follows the
 * family, as ComfyUI's supported_models.py does: SD 1.x 8 heads, SD 2.x / SDXL 64 channels a head.
 */
import { UserFacingError } from '../../protocol/user-facing-error.js';
import type { ModelFamily } from '../pipeline-folder.js';
import { LDM_UNET_PREFIX } from './unet-keys.js';
import type { CheckpointShapes } from './tensor-recipe.js';

export interface UNetLevel {
  channels: number;
  resnets: number;
  /** transformer_blocks per transformer at this level; 0: no attention. */
  transformerDepth: number;
}

export interface UNetShape {
  inChannels: number;
  outChannels: number;
  levels: UNetLevel[];
  midTransformerDepth: number;
  /** Width of the text states the cross-attention reads (768 SD 1.x, 1024 SD 2.x, 2048 SDXL). */
  contextWidth: number;
  linearProjection: boolean;
  /** SDXL's label_emb input width (2816), null without an added embedding. */
  addedEmbeddingInput: number | null;
}

const key = (rest: string) => LDM_UNET_PREFIX + rest;

export function countUNetTensors(shapes: CheckpointShapes): number {
  return [...shapes.keys()].filter((name) => name.startsWith(LDM_UNET_PREFIX)).length;
}

function transformerDepth(shapes: CheckpointShapes, module: string): number {
  let depth = 0;
  while (shapes.has(key(`${module}.transformer_blocks.${depth}.norm1.weight`))) depth++;
  return depth;
}

function readLevels(shapes: CheckpointShapes, file: string): UNetLevel[] {
  const levels: UNetLevel[] = [];
  let current: UNetLevel | null = null;
  for (let i = 1; shapes.has(key(`input_blocks.${i}.0.op.weight`)) || shapes.has(key(`input_blocks.${i}.0.out_layers.3.weight`)); i++) {
    if (shapes.has(key(`input_blocks.${i}.0.op.weight`))) {
      if (current === null) throw unknownUNet(file, `input block ${i} downsamples a level without resnets`);
      levels.push(current);
      current = null;
      continue;
    }
    const channels = shapes.get(key(`input_blocks.${i}.0.out_layers.3.weight`))![0]!;
    const depth = transformerDepth(shapes, `input_blocks.${i}.1`);
    current ??= { channels, resnets: 0, transformerDepth: depth };
    if (current.channels !== channels || current.transformerDepth !== depth) {
      throw unknownUNet(file, `input block ${i} (${channels} channels, ${depth} transformer blocks) differs from the rest of its level`);
    }
    current.resnets++;
  }
  if (current !== null) levels.push(current);
  return levels;
}

export function readUNetShape(shapes: CheckpointShapes, file: string): UNetShape {
  const convIn = shapes.get(key('input_blocks.0.0.weight'));
  const convOut = shapes.get(key('out.2.weight'));
  if (convIn === undefined || convOut === undefined) throw unknownUNet(file, 'no input_blocks.0.0 (conv_in) or out.2 (conv_out)');
  const levels = readLevels(shapes, file);
  if (levels.length === 0 || levels.some((level) => level.resnets !== levels[0]!.resnets)) {
    throw unknownUNet(file, `resnets per level ${levels.map((level) => level.resnets).join('/')} (one count for every level is expected)`);
  }
  const toK = [...shapes.entries()].find(([name]) => name.startsWith(LDM_UNET_PREFIX) && name.endsWith('.attn2.to_k.weight'));
  const projIn = [...shapes.entries()].find(([name]) => name.startsWith(LDM_UNET_PREFIX) && name.endsWith('.proj_in.weight'));
  if (toK === undefined || projIn === undefined) throw unknownUNet(file, 'no cross-attention (attn2.to_k) in any block');
  return {
    inChannels: convIn[1]!,
    outChannels: convOut[0]!,
    levels,
    midTransformerDepth: transformerDepth(shapes, 'middle_block.1'),
    contextWidth: toK[1][1]!,
    linearProjection: projIn[1].length === 2,
    addedEmbeddingInput: shapes.get(key('label_emb.0.0.weight'))?.[1] ?? null,
  };
}

/** Heads per level: the file does not store them, the family fixes them. */
function headsPerLevel(shape: UNetShape, family: ModelFamily, file: string): number | number[] {
  if (family === 'sd1') return 8;
  return shape.levels.map((level) => {
    if (level.channels % 64 !== 0) throw unknownUNet(file, `${level.channels} channels at a level, not a multiple of the 64-channel heads of ${family}`);
    return level.channels / 64;
  });
}

const SAMPLE_SIZE: Record<ModelFamily, number> = { sd1: 64, sd2: 64, sdxl: 128 };

/** unet/config.json for `family`; `vPrediction` picks SD 2.x's 768² sample size (96 latents). */
export function unetConfigJson(shape: UNetShape, family: ModelFamily, vPrediction: boolean, file: string): Record<string, unknown> {
  const attention = shape.levels.map((level) => level.transformerDepth > 0);
  const depths = shape.levels.map((level) => Math.max(level.transformerDepth, 1));
  return {
    _class_name: 'UNet2DConditionModel',
    in_channels: shape.inChannels,
    out_channels: shape.outChannels,
    sample_size: family === 'sd2' && vPrediction ? 96 : SAMPLE_SIZE[family],
    flip_sin_to_cos: true,
    freq_shift: 0,
    down_block_types: attention.map((cross) => (cross ? 'CrossAttnDownBlock2D' : 'DownBlock2D')),
    up_block_types: [...attention].reverse().map((cross) => (cross ? 'CrossAttnUpBlock2D' : 'UpBlock2D')),
    block_out_channels: shape.levels.map((level) => level.channels),
    layers_per_block: shape.levels[0]!.resnets,
    downsample_padding: 1,
    mid_block_scale_factor: 1,
    act_fn: 'silu',
    norm_num_groups: 32,
    norm_eps: 1e-5,
    cross_attention_dim: shape.contextWidth,
    attention_head_dim: headsPerLevel(shape, family, file),
    use_linear_projection: shape.linearProjection,
    // ComfyUI runs SD 2.x attention in float32 (attn_precision); diffusers' SD 2.1 config upcasts too.
    upcast_attention: family === 'sd2',
    ...(depths.some((depth) => depth !== 1) ? { transformer_layers_per_block: depths } : {}),
    ...(family === 'sdxl' ? sdxlAddedEmbedding(shape) : {}),
  };
}

/** SDXL's micro-conditioning: sizes and crop coordinates embedded with the pooled text (diffusers' SDXL config). */
function sdxlAddedEmbedding(shape: UNetShape): Record<string, unknown> {
  return {
    addition_embed_type: 'text_time',
    addition_time_embed_dim: 256,
    projection_class_embeddings_input_dim: shape.addedEmbeddingInput,
  };
}

export function unknownUNet(file: string, found: string): UserFacingError {
  return new UserFacingError(`${file}: the UNet is not an architecture this app knows (${found})`, {
    hint: 'Stable Diffusion 1.x, 2.x and SDXL checkpoints are supported; pass --unet-config with the diffusers config.json of the model',
    code: 'checkpoint.unknown_architecture',
  });
}
