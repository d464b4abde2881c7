/**
 * The error for a file with no original-layout UNet: it says what the file looks like instead
 * (a LoRA, a standalone VAE, diffusers-named weights), judged by its key names.
 */
import { UserFacingError } from '../../protocol/user-facing-error.js';
import type { CheckpointShapes } from './tensor-recipe.js';

interface Look {
  test: (names: readonly string[]) => boolean;
  what: string;
  hint: string;
}

const LOOKS: readonly Look[] = [
  {
    test: (names) => names.some((name) => /lora_(up|down|A|B)\b|^lora_(unet|te)|\.alpha$/.test(name)),
    what: 'it looks like a LoRA',
    hint: 'a LoRA modifies a model and cannot be used alone; import the base checkpoint it was trained for',
  },
  {
    test: (names) => names.some((name) => /^(first_stage_model\.)?(encoder|decoder)\.(conv_in|down|up|mid)/.test(name)),
    what: 'it looks like a VAE on its own',
    hint: 'import the full checkpoint (UNet, VAE and text encoder in one file)',
  },
  {
    test: (names) => names.some((name) => /^(unet\.)?(down_blocks|up_blocks|mid_block)\./.test(name)),
    what: 'it looks like diffusers-named weights',
    hint: 'build it with `scalecrafter models build --unet F --config config.json` instead',
  },
  {
    test: (names) => names.some((name) => name.startsWith('text_model.') || name.startsWith('cond_stage_model.') || name.startsWith('conditioner.')),
    what: 'it looks like a text encoder on its own',
    hint: 'import the full checkpoint (UNet, VAE and text encoder in one file)',
  },
];

export function classifyNonCheckpoint(shapes: CheckpointShapes, file: string): UserFacingError {
  const names = [...shapes.keys()];
  const look = LOOKS.find((candidate) => candidate.test(names));
  const sample = names.slice(0, 3).map((name) => `"${name}"`).join(', ');
  const what = look?.what ?? `its ${names.length} keys (${sample}${names.length > 3 ? ', …' : ''}) match no known layout`;
  return new UserFacingError(`${file} holds 0 UNet tensors (none under "model.diffusion_model."); ${what}`, {
    hint: look?.hint ?? 'import a Stable Diffusion 1.x, 2.x or SDXL single-file checkpoint',
    code: 'checkpoint.not_a_checkpoint',
  });
}
