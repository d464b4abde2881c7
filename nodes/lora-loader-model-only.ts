import type { EngineConfig } from '../app/engine/engine-config.js';
import { defineNode } from '../app/engine/node-definition.js';
import { applyLoraFile, findLoraFile, loraChoices } from '../app/models/lora/lora-loading.js';
import { fileFingerprint } from '../app/models/model-files.js';
import { UserFacingError } from '../app/protocol/user-facing-error.js';
import { LORA_NAME_TOOLTIP, LORA_STRENGTH } from './lora-loader.js';

export function loraLoaderModelOnlyNode(config: EngineConfig) {
  return defineNode({
    schema: {
      type: 'LoraLoaderModelOnly',
      displayName: 'Load LoRA (model only)',
      category: 'loaders',
      description: 'Merges a LoRA into the MODEL\'s UNet only; its text-encoder part, if any, is left out. Chain several to stack them.',
      version: 1,
      outputNode: false,
      idempotent: true,
      inputs: [
        { name: 'model', kind: 'socket', type: 'MODEL' },
        { name: 'lora_name', kind: 'STRING', default: '', multiline: false, suggestions: loraChoices(config), tooltip: LORA_NAME_TOOLTIP },
        { name: 'strength_model', ...LORA_STRENGTH, tooltip: 'how strongly the LoRA changes the UNet; negative reverses it' },
      ],
      outputs: [{ name: 'MODEL', type: 'MODEL' }],
    },
    fingerprint: ({ lora_name }) => fileFingerprint(findLoraFile(config, lora_name ?? '')),
    execute: async ({ model, lora_name, strength_model }) => {
      try {
        const applied = await applyLoraFile(findLoraFile(config, lora_name), model.folder, { model: strength_model, clip: null });
        return { outputs: [applied.model ? { ...model, loras: [...(model.loras ?? []), applied.model] } : model] };
      } catch (error) {
        if (error instanceof UserFacingError) throw error.atField('lora_name');
        throw error;
      }
    },
  });
}
