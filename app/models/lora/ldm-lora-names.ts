/**
 * kohya names for the UNet in the original (LDM / sgm) layout, which sd-scripts writes for SDXL
 * (`lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q`, `lora_unet_middle_block_0_in_layers_2`),
 * turned into the flattened diffusers path the graphs are named by. The block arithmetic is the
 * checkpoint import's (diffusersUNetName in app/models/checkpoint/unet-keys.ts); what this adds is
 * putting back the dots that module names need to be recognised (`in_layers_2` → `in_layers.2`),
 * while transformer internals keep their underscores on both sides.
 */
import { diffusersUNetName } from '../checkpoint/unet-keys.js';

const BLOCK = /^(input_blocks|output_blocks)_(\d+)_(\d+)_(.+)$/;
const MIDDLE = /^middle_block_(\d+)_(.+)$/;
const TOP_LEVEL = /^(time_embed|out)_(\d+)$|^(label_emb)_0_(\d+)$/;
const RESNET_PART = /^(in_layers|out_layers|emb_layers)_(\d+)$/;

function dottedPart(rest: string): string {
  const resnet = RESNET_PART.exec(rest);
  return resnet ? `${resnet[1]!}.${resnet[2]!}` : rest;
}

function ldmKeyOf(name: string): string | null {
  const block = BLOCK.exec(name);
  if (block) return `${block[1]!}.${block[2]!}.${block[3]!}.${dottedPart(block[4]!)}.weight`;
  const middle = MIDDLE.exec(name);
  if (middle) return `middle_block.${middle[1]!}.${dottedPart(middle[2]!)}.weight`;
  const top = TOP_LEVEL.exec(name);
  if (!top) return null;
  return top[1] ? `${top[1]}.${top[2]!}.weight` : `label_emb.0.${top[4]!}.weight`;
}

/** The flattened diffusers module path of a kohya LDM-layout UNet name (prefix removed), or null when it is not one. */
export function flattenedPathOfLdmName(name: string, layersPerBlock: number): string | null {
  const key = ldmKeyOf(name);
  const diffusers = key === null ? null : diffusersUNetName(key, layersPerBlock);
  return diffusers === null ? null : diffusers.slice(0, -'.weight'.length).replaceAll('.', '_');
}
