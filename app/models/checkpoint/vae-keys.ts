/**
 * The original VAE keys under "first_stage_model." → diffusers' AutoencoderKL names, following
 * diffusers' convert_ldm_vae_checkpoint: down.i.block.j → down_blocks.i.resnets.j, up.i →
 * up_blocks.(levels − 1 − i) (the original decoder numbers its levels from the lowest
 * resolution, diffusers in the order they run), mid.block_1/2 → mid_block.resnets.0/1,
 * mid.attn_1 → mid_block.attentions.0 whose q / k / v / proj_out are 1×1 conv weights
 * [C, C, 1, 1] used as Linear weights [C, C], norm_out → conv_norm_out, nin_shortcut → conv_shortcut.
 */
import { renamed, type CheckpointShapes, type KeyMapping, type TensorRecipe } from './tensor-recipe.js';

export const LDM_VAE_PREFIX = 'first_stage_model.';

const ATTENTION_PARTS: Readonly<Record<string, string>> = { norm: 'group_norm', q: 'to_q', k: 'to_k', v: 'to_v', proj_out: 'to_out.0' };

const KEY = /^(encoder|decoder)\.(.+)$/;

/** The diffusers name of one key (without the prefix), or null. `upLevels` is the decoder's level count. */
export function diffusersVaeName(key: string, upLevels: number): string | null {
  if (/^(post_)?quant_conv\.(weight|bias)$/.test(key)) return key;
  const match = KEY.exec(key);
  if (!match) return null;
  const [, half, rest] = match as unknown as [string, string, string];
  const name = vaeModuleName(rest, upLevels);
  return name === null ? null : `${half}.${name}`;
}

function vaeModuleName(rest: string, upLevels: number): string | null {
  let m: RegExpExecArray | null;
  if (/^(conv_in|conv_out)\.(weight|bias)$/.test(rest)) return rest;
  if ((m = /^norm_out\.(weight|bias)$/.exec(rest))) return `conv_norm_out.${m[1]}`;
  if ((m = /^down\.(\d+)\.block\.(\d+)\.(.+)$/.exec(rest))) return `down_blocks.${m[1]}.resnets.${m[2]}.${resnetPart(m[3]!)}`;
  if ((m = /^down\.(\d+)\.downsample\.conv\.(weight|bias)$/.exec(rest))) return `down_blocks.${m[1]}.downsamplers.0.conv.${m[2]}`;
  if ((m = /^up\.(\d+)\.block\.(\d+)\.(.+)$/.exec(rest))) return `up_blocks.${upLevels - 1 - Number(m[1])}.resnets.${m[2]}.${resnetPart(m[3]!)}`;
  if ((m = /^up\.(\d+)\.upsample\.conv\.(weight|bias)$/.exec(rest))) return `up_blocks.${upLevels - 1 - Number(m[1])}.upsamplers.0.conv.${m[2]}`;
  if ((m = /^mid\.block_([12])\.(.+)$/.exec(rest))) return `mid_block.resnets.${Number(m[1]) - 1}.${resnetPart(m[2]!)}`;
  if ((m = /^mid\.attn_1\.(norm|q|k|v|proj_out)\.(weight|bias)$/.exec(rest))) return `mid_block.attentions.0.${ATTENTION_PARTS[m[1]!]}.${m[2]}`;
  return null;
}

function resnetPart(rest: string): string {
  return rest.startsWith('nin_shortcut.') ? `conv_shortcut.${rest.slice('nin_shortcut.'.length)}` : rest;
}

/** Decoder levels: the number of distinct up.N in the file. */
export function vaeUpLevels(shapes: CheckpointShapes, prefix = LDM_VAE_PREFIX): number {
  const levels = new Set<number>();
  for (const key of shapes.keys()) {
    const m = /^decoder\.up\.(\d+)\./.exec(key.startsWith(prefix) ? key.slice(prefix.length) : '');
    if (m) levels.add(Number(m[1]));
  }
  return levels.size;
}

/** `prefix`: where the VAE's keys start ("first_stage_model." in a checkpoint; "" in ComfyUI's standalone VAE files). */
export function mapVaeKeys(shapes: CheckpointShapes, prefix = LDM_VAE_PREFIX): KeyMapping {
  const upLevels = vaeUpLevels(shapes, prefix);
  const mapping: KeyMapping = new Map();
  for (const source of shapes.keys()) {
    if (!source.startsWith(prefix)) continue;
    const name = diffusersVaeName(source.slice(prefix.length), upLevels);
    if (name !== null) mapping.set(name, attentionAsLinear(name, renamed(shapes, source)));
  }
  return mapping;
}

/** diffusers' conv_attn_to_linear: [C, C, 1, 1] → [C, C] for the attention projections. */
function attentionAsLinear(name: string, recipe: TensorRecipe): TensorRecipe {
  const isProjection = /\.attentions\.0\.(to_q|to_k|to_v|to_out\.0)\.weight$/.test(name);
  return isProjection && recipe.shape.length === 4 ? { ...recipe, shape: recipe.shape.slice(0, 2) } : recipe;
}
