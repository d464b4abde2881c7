import { defineNode } from '../app/engine/node-definition.js';
import { encodePrompt } from '../app/diffusion/pipeline/text-encoding.js';

export const textEncode = defineNode({
  schema: {
    type: 'TextEncode',
    displayName: 'Text Encode',
    category: 'conditioning',
    description: 'Encodes a prompt with the model\'s CLIP text encoder, or both of an SDXL model\'s (77 tokens; longer prompts are cut and the cut is reported).',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'clip', kind: 'socket', type: 'CLIP' },
      { name: 'text', kind: 'STRING', default: '', multiline: true },
    ],
    outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
  },
  execute: async ({ clip, text }, context) => {
    const conditioning = await encodePrompt(clip.folder, text, context.executionProvider, '', { stopAt: clip.stopAt, loras: clip.loras });
    if (!conditioning.truncation) return { outputs: [[conditioning]] };
    const note = `the prompt is longer than ${conditioning.dims[1]} tokens: "${conditioning.truncation.droppedText}" (${conditioning.truncation.droppedTokens} tokens) was cut`;
    context.message('warning', note);
    return { outputs: [[conditioning]], ui: { text: [note] } };
  },
});
