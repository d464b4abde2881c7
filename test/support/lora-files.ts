/**
 * LoRA files for tests, written as trainers write them: kohya/A1111 (`lora_unet_…` with dots as
 * underscores, `.lora_down/.lora_up/.alpha`) and diffusers/PEFT (`unet.…`, `.lora_A/.lora_B`, no
 * alpha). Values are seeded, and large enough that a merged LoRA visibly changes the outputs.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeSafetensors, type TensorToWrite } from '../../app/models/weights/index.js';

export type LoraNaming = 'kohya' | 'peft';

export interface TestLoraModule {
  /** 'unet' | 'text_encoder' | 'text_encoder_2' */
  readonly component: string;
  /** diffusers module path: down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q */
  readonly module: string;
  readonly down: { readonly shape: number[]; readonly values: Float32Array };
  readonly up: { readonly shape: number[]; readonly values: Float32Array };
  readonly alpha?: number;
  /** the module's name in the file when it is not the naming's own (kohya's LDM layout for the UNet) */
  readonly fileName?: string;
}

/** Deterministic values in [-scale, scale) (a 32-bit LCG: tests need variety, not statistics). */
export function seededValues(count: number, seed: number, scale = 0.5): Float32Array {
  const values = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = (state / 2 ** 32 * 2 - 1) * scale;
  }
  return values;
}

const KOHYA_PREFIX: Readonly<Record<string, string>> = { unet: 'lora_unet_', text_encoder: 'lora_te_', text_encoder_2: 'lora_te2_' };

/** A linear LoRA module: down [rank, in], up [out, rank]. */
export function linearModule(component: string, module: string, inFeatures: number, outFeatures: number, rank: number, seed: number, alpha?: number): TestLoraModule {
  return {
    component, module, ...(alpha === undefined ? {} : { alpha }),
    down: { shape: [rank, inFeatures], values: seededValues(rank * inFeatures, seed) },
    up: { shape: [outFeatures, rank], values: seededValues(outFeatures * rank, seed + 1) },
  };
}

/** A LoCon module on a k×k conv: down [rank, in, k, k], up [out, rank, 1, 1]. */
export function convModule(module: string, inChannels: number, outChannels: number, kernel: number, rank: number, seed: number, alpha?: number): TestLoraModule {
  return {
    component: 'unet', module, ...(alpha === undefined ? {} : { alpha }),
    down: { shape: [rank, inChannels, kernel, kernel], values: seededValues(rank * inChannels * kernel * kernel, seed) },
    up: { shape: [outChannels, rank, 1, 1], values: seededValues(outChannels * rank, seed + 1) },
  };
}

function namesFor(naming: LoraNaming, module: TestLoraModule): { down: string; up: string; alpha: string } {
  if (naming === 'kohya') {
    const base = module.fileName ?? `${KOHYA_PREFIX[module.component]!}${module.module.replaceAll('.', '_')}`;
    return { down: `${base}.lora_down.weight`, up: `${base}.lora_up.weight`, alpha: `${base}.alpha` };
  }
  const base = `${module.component}.${module.module}`;
  return { down: `${base}.lora_A.weight`, up: `${base}.lora_B.weight`, alpha: `${base}.alpha` };
}

export async function writeLoraFile(file: string, naming: LoraNaming, modules: readonly TestLoraModule[]): Promise<void> {
  const tensors: Record<string, TensorToWrite> = {};
  for (const module of modules) {
    const names = namesFor(naming, module);
    tensors[names.down] = { dtype: 'F32', shape: module.down.shape, data: module.down.values };
    tensors[names.up] = { dtype: 'F32', shape: module.up.shape, data: module.up.values };
    if (module.alpha !== undefined) tensors[names.alpha] = { dtype: 'F32', shape: [], data: Float32Array.of(module.alpha) };
  }
  await mkdir(dirname(file), { recursive: true });
  await writeSafetensors(file, tensors);
}
