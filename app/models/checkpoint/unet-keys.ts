/**
 * The original (LDM openaimodel.py / sgm) UNet keys under "model.diffusion_model." → diffusers'
 * UNet2DConditionModel names, following diffusers' convert_ldm_unet_checkpoint
 * (loaders/single_file_utils.py): input_blocks.0 is conv_in; every later input block i holds a
 * resnet (.0) or a downsampler (.0.op) and maybe a transformer (.1), in down block
 * (i − 1) ÷ (layers_per_block + 1) at position (i − 1) mod (layers_per_block + 1); output block i
 * sits in up block i ÷ (layers_per_block + 1) with one more resnet per block, its upsampler being
 * the "conv" entry after the resnet (and transformer). Transformer internals keep their names.
 */
import { renamed, type CheckpointShapes, type KeyMapping } from './tensor-recipe.js';

export const LDM_UNET_PREFIX = 'model.diffusion_model.';

/** Resnet sub-module renames (ResBlock → ResnetBlock2D). */
const RESNET_PARTS: ReadonlyArray<[ldm: string, diffusers: string]> = [
  ['in_layers.0.', 'norm1.'],
  ['in_layers.2.', 'conv1.'],
  ['out_layers.0.', 'norm2.'],
  ['out_layers.3.', 'conv2.'],
  ['emb_layers.1.', 'time_emb_proj.'],
  ['skip_connection.', 'conv_shortcut.'],
];

/** Top-level modules outside the blocks (label_emb is SDXL's added "text_time" embedding). */
const TOP_LEVEL: ReadonlyArray<[ldm: string, diffusers: string]> = [
  ['time_embed.0.', 'time_embedding.linear_1.'],
  ['time_embed.2.', 'time_embedding.linear_2.'],
  ['label_emb.0.0.', 'add_embedding.linear_1.'],
  ['label_emb.0.2.', 'add_embedding.linear_2.'],
  ['input_blocks.0.0.', 'conv_in.'],
  ['out.0.', 'conv_norm_out.'],
  ['out.2.', 'conv_out.'],
];

function replacePrefix(rest: string, parts: ReadonlyArray<[string, string]>): string | null {
  const part = parts.find(([ldm]) => rest.startsWith(ldm));
  return part ? part[1] + rest.slice(part[0].length) : null;
}

function resnetName(rest: string): string | null {
  return replacePrefix(rest, RESNET_PARTS);
}

const BLOCK_KEY = /^(input_blocks|output_blocks)\.(\d+)\.(\d+)\.(.+)$/;
const MIDDLE_KEY = /^middle_block\.(\d+)\.(.+)$/;
const MIDDLE = ['mid_block.resnets.0', 'mid_block.attentions.0', 'mid_block.resnets.1'] as const;

/** The diffusers name of one key (without the prefix), or null when it is not a UNet parameter this mapping knows. */
export function diffusersUNetName(key: string, layersPerBlock: number): string | null {
  const topLevel = replacePrefix(key, TOP_LEVEL);
  if (topLevel !== null) return topLevel;
  const middle = MIDDLE_KEY.exec(key);
  if (middle) {
    const index = Number(middle[1]);
    const module = MIDDLE[index];
    if (module === undefined) return null;
    return index === 1 ? `${module}.${middle[2]!}` : prefixed(module, resnetName(middle[2]!));
  }
  const match = BLOCK_KEY.exec(key);
  if (!match) return null;
  const [, kind, blockText, partText, rest] = match as unknown as [string, string, string, string, string];
  const index = Number(blockText);
  const part = Number(partText);
  const perBlock = layersPerBlock + 1;
  if (kind === 'input_blocks') {
    const block = Math.floor((index - 1) / perBlock);
    const layer = (index - 1) % perBlock;
    if (part === 0 && rest.startsWith('op.')) return `down_blocks.${block}.downsamplers.0.conv.${rest.slice(3)}`;
    if (part === 0) return prefixed(`down_blocks.${block}.resnets.${layer}`, resnetName(rest));
    return part === 1 ? `down_blocks.${block}.attentions.${layer}.${rest}` : null;
  }
  const block = Math.floor(index / perBlock);
  const layer = index % perBlock;
  if (part === 0) return prefixed(`up_blocks.${block}.resnets.${layer}`, resnetName(rest));
  if (rest.startsWith('conv.')) return `up_blocks.${block}.upsamplers.0.conv.${rest.slice(5)}`;
  return part === 1 ? `up_blocks.${block}.attentions.${layer}.${rest}` : null;
}

function prefixed(module: string, rest: string | null): string | null {
  return rest === null ? null : `${module}.${rest}`;
}

/** Every UNet key of the file that maps, as diffusers name → recipe. */
export function mapUNetKeys(shapes: CheckpointShapes, layersPerBlock: number): KeyMapping {
  const mapping: KeyMapping = new Map();
  for (const source of shapes.keys()) {
    if (!source.startsWith(LDM_UNET_PREFIX)) continue;
    const name = diffusersUNetName(source.slice(LDM_UNET_PREFIX.length), layersPerBlock);
    if (name !== null) mapping.set(name, renamed(shapes, source));
  }
  return mapping;
}
