/**
 * The 3×3 convolutions of a diffusers UNet2DConditionModel that ScaleCrafter may re-dilate
 * (docs/scalecrafter-method.md §1): both convs of every ResnetBlock2D, every Downsample2D / Upsample2D conv.
 * conv_in, conv_out and the 1×1 shortcut convs are never candidates.
 *
 * Names are diffusers module paths (`down_blocks.1.resnets.0.conv1`), the keys the reference
 * implementation's settings files use.
 */

/** A diffusers module path of a candidate conv, e.g. `mid_block.resnets.1.conv2`. */
export type ConvName = string;

export interface DownBlockLayout {
  readonly resnets: number;
  /** Downsample2D(use_conv=True) after the resnets: a stride-2 3×3 conv. */
  readonly downsampler: boolean;
}

export interface UpBlockLayout {
  readonly resnets: number;
  /** Upsample2D(use_conv=True) after the resnets: nearest ×2, then a 3×3 conv. */
  readonly upsampler: boolean;
}

/** The block structure of a UNet, as far as its candidate convs are concerned. */
export interface UNetConvLayout {
  readonly downBlocks: readonly DownBlockLayout[];
  readonly midBlockResnets: number;
  readonly upBlocks: readonly UpBlockLayout[];
}

/**
 * SD 1.5 and SD 2.1: block_out_channels (320, 640, 1280, 1280), layers_per_block 2; the last
 * down block has no downsampler and the last up block no upsampler (diffusers
 * UNet2DConditionModel: add_downsample = not is_final_block). Up blocks have layers_per_block + 1
 * resnets.
 */
export const SD_UNET_LAYOUT: UNetConvLayout = {
  downBlocks: [
    { resnets: 2, downsampler: true },
    { resnets: 2, downsampler: true },
    { resnets: 2, downsampler: true },
    { resnets: 2, downsampler: false },
  ],
  midBlockResnets: 2,
  upBlocks: [
    { resnets: 3, upsampler: true },
    { resnets: 3, upsampler: true },
    { resnets: 3, upsampler: true },
    { resnets: 3, upsampler: false },
  ],
};

/** SDXL: block_out_channels (320, 640, 1280) — three levels, so no down_blocks.3 / up_blocks.3. */
export const SDXL_UNET_LAYOUT: UNetConvLayout = {
  downBlocks: [
    { resnets: 2, downsampler: true },
    { resnets: 2, downsampler: true },
    { resnets: 2, downsampler: false },
  ],
  midBlockResnets: 2,
  upBlocks: [
    { resnets: 3, upsampler: true },
    { resnets: 3, upsampler: true },
    { resnets: 3, upsampler: false },
  ],
};

function resnetConvs(prefix: string, resnets: number): ConvName[] {
  const names: ConvName[] = [];
  for (let r = 0; r < resnets; r++) names.push(`${prefix}.resnets.${r}.conv1`, `${prefix}.resnets.${r}.conv2`);
  return names;
}

/**
 * Every candidate conv of a UNet, in the order of the reference's `all_valid_convs.txt`:
 * down blocks, then up blocks, then the mid block.
 */
export function candidateConvNames(layout: UNetConvLayout): ConvName[] {
  const names: ConvName[] = [];
  layout.downBlocks.forEach((block, b) => {
    names.push(...resnetConvs(`down_blocks.${b}`, block.resnets));
    if (block.downsampler) names.push(`down_blocks.${b}.downsamplers.0.conv`);
  });
  layout.upBlocks.forEach((block, b) => {
    names.push(...resnetConvs(`up_blocks.${b}`, block.resnets));
    if (block.upsampler) names.push(`up_blocks.${b}.upsamplers.0.conv`);
  });
  names.push(...resnetConvs('mid_block', layout.midBlockResnets));
  return names;
}

/** Where a candidate conv sits: its block and whether it belongs to a resnet or a resampler. */
export interface ConvLocation {
  /** `down_blocks.2`, `mid_block`, `up_blocks.0`. */
  readonly block: string;
  readonly part: 'resnets' | 'downsamplers' | 'upsamplers';
}

const CONV_NAME_PATTERN = /^((?:down_blocks|up_blocks)\.\d+|mid_block)\.(resnets|downsamplers|upsamplers)\.\d+\.conv\d?$/;

/** Parses a candidate conv's name; null when the name is not a diffusers UNet 3×3 conv path. */
export function convLocation(name: ConvName): ConvLocation | null {
  const match = CONV_NAME_PATTERN.exec(name);
  if (match === null) return null;
  return { block: match[1]!, part: match[2] as ConvLocation['part'] };
}
