/**
 * A diffusers AutoencoderKL config read off an original checkpoint's VAE (ldm's Encoder/Decoder):
 * base channels from encoder.conv_in, one level per encoder.down.N with its resnet count and output
 * channels, latent channels from decoder.conv_in, the mid-block attention when mid.attn_1 exists.
 * The latent scale is the family's (SD 1.x/2.x 0.18215, SDXL 0.13025); it is not in the file.
 */
import { UserFacingError } from '../../protocol/user-facing-error.js';
import type { ModelFamily } from '../pipeline-folder.js';
import type { CheckpointShapes } from './tensor-recipe.js';
import { LDM_VAE_PREFIX } from './vae-keys.js';

const LATENT_SCALE: Record<ModelFamily, number> = { sd1: 0.18215, sd2: 0.18215, sdxl: 0.13025 };

function resnetsAt(shapes: CheckpointShapes, key: (rest: string) => string, level: number): number {
  let count = 0;
  while (shapes.has(key(`encoder.down.${level}.block.${count}.conv1.weight`))) count++;
  return count;
}

/** `prefix`: where the VAE's keys start ("first_stage_model." in a checkpoint; "" in ComfyUI's standalone VAE files). */
export function vaeConfigJson(shapes: CheckpointShapes, family: ModelFamily, file: string, prefix = LDM_VAE_PREFIX): Record<string, unknown> {
  const key = (rest: string) => prefix + rest;
  const convIn = shapes.get(key('encoder.conv_in.weight'));
  const decoderIn = shapes.get(key('decoder.conv_in.weight'));
  const decoderOut = shapes.get(key('decoder.conv_out.weight'));
  if (convIn === undefined || decoderIn === undefined || decoderOut === undefined) {
    throw new UserFacingError(`${file} has no VAE (first_stage_model.encoder / decoder tensors)`, {
      hint: 'use a full checkpoint, one that bundles the VAE',
      code: 'checkpoint.vae_missing',
    });
  }
  const channels: number[] = [];
  for (let level = 0; shapes.has(key(`encoder.down.${level}.block.0.conv2.weight`)); level++) {
    channels.push(shapes.get(key(`encoder.down.${level}.block.0.conv2.weight`))![0]!);
  }
  const resnets = resnetsAt(shapes, key, 0);
  if (channels.length === 0 || channels.some((_, level) => resnetsAt(shapes, key, level) !== resnets)) {
    throw new UserFacingError(`${file}: the VAE is not an architecture this app knows (${channels.length} encoder levels)`, {
      hint: 'pass --vae-config with the diffusers config.json of the VAE',
      code: 'checkpoint.unknown_architecture',
    });
  }
  return {
    _class_name: 'AutoencoderKL',
    in_channels: convIn[1],
    out_channels: decoderOut[0],
    down_block_types: channels.map(() => 'DownEncoderBlock2D'),
    up_block_types: channels.map(() => 'UpDecoderBlock2D'),
    block_out_channels: channels,
    layers_per_block: resnets,
    act_fn: 'silu',
    latent_channels: decoderIn[1],
    norm_num_groups: 32,
    sample_size: family === 'sdxl' ? 1024 : 512,
    scaling_factor: LATENT_SCALE[family],
    mid_block_add_attention: shapes.has(key('encoder.mid.attn_1.q.weight')),
  };
}
