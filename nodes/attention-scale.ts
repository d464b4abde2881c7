import { defineNode } from '../app/engine/node-definition.js';
import { withPatch } from '../app/scalecrafter/patch-inputs.js';

export const attentionScale = defineNode({
  schema: {
    type: 'AttentionScale',
    displayName: 'Attention Scale (Attn-SF)',
    category: 'scalecrafter',
    description: 'The Attn-SF baseline: self-attention logits × √(log N / log N_train), to compare against ScaleCrafter.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'model', kind: 'socket', type: 'MODEL' },
      { name: 'train_width', kind: 'INT', default: 512, min: 8, max: 4096, step: 8, tooltip: 'the model\'s training resolution (SD1.5/2.1-base 512, SDXL 1024, the emoji model 32)' },
      { name: 'train_height', kind: 'INT', default: 512, min: 8, max: 4096, step: 8 },
    ],
    outputs: [{ name: 'MODEL', type: 'MODEL' }],
  },
  execute: ({ model, train_width, train_height }) => ({ outputs: [withPatch(model, { kind: 'attention_scale', trainWidth: train_width, trainHeight: train_height })] }),
});
