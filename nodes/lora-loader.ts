import type { EngineConfig } from '../app/engine/engine-config.js';
import { defineNode } from '../app/engine/node-definition.js';
import { applyLoraFile, findLoraFile, loraChoices } from '../app/models/lora/lora-loading.js';
import { fileFingerprint } from '../app/models/model-files.js';
import { UserFacingError } from '../app/protocol/user-facing-error.js';

/** ComfyUI's range: a strength may be negative (the LoRA's direction reversed) and well above 1. */
export const LORA_STRENGTH = { kind: 'FLOAT', default: 1, min: -100, max: 100, step: 0.01 } as const;

export const LORA_NAME_TOOLTIP = 'a .safetensors LoRA under the models folder\'s loras/ (or ComfyUI\'s, or extra_model_paths.yaml\'s), or an absolute path; kohya/A1111 or diffusers/PEFT names, LoCon included';

export function loraLoaderNode(config: EngineConfig) {
  return defineNode({
    schema: {
      type: 'LoraLoader',
      displayName: 'Load LoRA',
      category: 'loaders',
      description: 'Merges a LoRA into the MODEL\'s UNet and the CLIP\'s text encoders, each with its own strength (0 leaves it as it was). Chain several to stack them; a strength change reopens the sessions with new weights, not the graphs.',
      version: 1,
      outputNode: false,
      idempotent: true,
      inputs: [
        { name: 'model', kind: 'socket', type: 'MODEL' },
        { name: 'clip', kind: 'socket', type: 'CLIP' },
        { name: 'lora_name', kind: 'STRING', default: '', multiline: false, suggestions: loraChoices(config), tooltip: LORA_NAME_TOOLTIP },
        { name: 'strength_model', ...LORA_STRENGTH, tooltip: 'how strongly the LoRA changes the UNet; negative reverses it' },
        { name: 'strength_clip', ...LORA_STRENGTH, tooltip: 'how strongly the LoRA changes the text encoders; negative reverses it' },
      ],
      outputs: [
        { name: 'MODEL', type: 'MODEL' },
        { name: 'CLIP', type: 'CLIP' },
      ],
    },
    // The file can be replaced under the same name.
    fingerprint: ({ lora_name }) => fileFingerprint(findLoraFile(config, lora_name ?? '')),
    execute: async ({ model, clip, lora_name, strength_model, strength_clip }) => {
      try {
        const applied = await applyLoraFile(findLoraFile(config, lora_name), model.folder, { model: strength_model, clip: strength_clip });
        return {
          outputs: [
            applied.model ? { ...model, loras: [...(model.loras ?? []), applied.model] } : model,
            applied.clip ? { ...clip, loras: [...(clip.loras ?? []), applied.clip] } : clip,
          ],
        };
      } catch (error) {
        if (error instanceof UserFacingError) throw error.atField('lora_name');
        throw error;
      }
    },
  });
}
