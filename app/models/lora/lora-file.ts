/**
 * A LoRA file's low-rank updates, whatever naming its trainer used (docs/lora.md): kohya / A1111
 * (`<module>.lora_down.weight`, `.lora_up.weight`, `.alpha`), PEFT (`.lora_A.weight`,
 * `.lora_B.weight`), and diffusers' older `.lora.down/.up` and attention-processor `_lora.down/.up`
 * forms. Each module's update is up·down scaled by alpha / rank (1 without an alpha), as ComfyUI's
 * comfy/lora.py applies it; where the module lives is lora-targets.ts's business.
 */
import { extname } from 'node:path';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import { openSafetensors } from '../weights/index.js';

export interface LoraMatrix {
  /** torch shape: down [rank, in, (kh, kw)], up [out, rank, (1, 1)] */
  readonly dims: readonly number[];
  readonly values: Float32Array;
}

export interface LoraModule {
  /** the module's name in the file, suffix removed: `lora_unet_down_blocks_0_…`, `unet.down_blocks.0.…` */
  readonly name: string;
  /** the first tensor key of the module in the file, for messages */
  readonly key: string;
  readonly down: LoraMatrix;
  readonly up: LoraMatrix;
  /** alpha / rank, or 1 when the file has no alpha for the module */
  readonly scale: number;
}

type Part = 'down' | 'up' | 'alpha';

/** Tensor-name endings of each naming, longest first so `.lora.down.weight` is not read as `.down.weight`. */
const SUFFIXES: ReadonlyArray<[suffix: string, part: Part]> = [
  ['.lora_linear_layer.down.weight', 'down'],
  ['.lora_linear_layer.up.weight', 'up'],
  ['.lora_down.weight', 'down'],
  ['.lora_up.weight', 'up'],
  ['.lora_A.weight', 'down'],
  ['.lora_B.weight', 'up'],
  ['.lora.down.weight', 'down'],
  ['.lora.up.weight', 'up'],
  ['_lora.down.weight', 'down'],
  ['_lora.up.weight', 'up'],
  ['.alpha', 'alpha'],
];

const UNSUPPORTED_HINT = 'use a plain LoRA or LoCon (down/up pairs); LoHa, LoKr, (IA)³ and tucker-decomposed (lora_mid) files are not supported';

function splitKey(file: string, key: string): { name: string; part: Part } {
  const match = SUFFIXES.find(([suffix]) => key.endsWith(suffix));
  if (!match) throw new UserFacingError(`${file}: the tensor '${key}' is not a LoRA down, up or alpha tensor`, { hint: UNSUPPORTED_HINT });
  return { name: key.slice(0, -match[0].length), part: match[1] };
}

interface Pending {
  key: string;
  down?: LoraMatrix;
  up?: LoraMatrix;
  alpha?: number;
}

function completed(file: string, name: string, pending: Pending): LoraModule {
  const { down, up, key } = pending;
  if (!down || !up) throw new UserFacingError(`${file}: the module '${name}' has no ${down ? 'up' : 'down'} matrix`, { hint: 'the file is incomplete; re-download or re-export it' });
  const rank = down.dims[0]!;
  if (up.dims[1] !== rank) {
    throw new UserFacingError(`${file}: the module '${name}' has rank ${rank} in its down matrix but ${up.dims[1]} in its up matrix`, { hint: 'the file is damaged; re-download or re-export it' });
  }
  return { name, key, down, up, scale: pending.alpha === undefined ? 1 : pending.alpha / rank };
}

/** Every module of a .safetensors LoRA file, in the file's key order. Throws UserFacingError. */
export async function readLoraFile(file: string): Promise<LoraModule[]> {
  if (extname(file).toLowerCase() !== '.safetensors') {
    throw new UserFacingError(`${file}: only .safetensors LoRA files can be loaded`, { hint: 'convert the file to .safetensors (pickled .pt/.ckpt files can run code when opened)' });
  }
  const weights = await openSafetensors(file);
  try {
    const modules = new Map<string, Pending>();
    for (const key of weights.tensorNames()) {
      const { name, part } = splitKey(file, key);
      const pending = modules.get(name) ?? { key };
      modules.set(name, pending);
      const values = await weights.read(key);
      if (part === 'alpha') pending.alpha = values[0]!;
      else pending[part] = { dims: [...weights.info(key)!.shape], values };
    }
    return [...modules].map(([name, pending]) => completed(file, name, pending));
  } finally {
    await weights.close();
  }
}
