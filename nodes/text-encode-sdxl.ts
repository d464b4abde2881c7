import { defineNode } from '../app/engine/node-definition.js';
import { encodePrompt } from '../app/diffusion/pipeline/text-encoding.js';
import { UserFacingError } from '../app/protocol/user-facing-error.js';

const MAX_SIDE = 16384;
const side = (name: string, fallback: number, tooltip: string) => ({ name, kind: 'INT' as const, default: fallback, min: 0, max: MAX_SIDE, step: 8, tooltip });

/** ComfyUI's CLIPTextEncodeSDXL: a prompt per SDXL text encoder and the size conditioning (time_ids) spelt out. */
export const textEncodeSdxl = defineNode({
  schema: {
    type: 'TextEncodeSDXL',
    displayName: 'Text Encode (SDXL)',
    category: 'conditioning',
    description: 'Encodes text_l with the SDXL CLIP ViT-L encoder and text_g with the OpenCLIP bigG encoder (empty: text_l), and sets the size conditioning the SDXL UNet receives as time_ids.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'clip', kind: 'socket', type: 'CLIP' },
      side('width', 1024, 'original size: the width the image is said to have had'),
      side('height', 1024, 'original size: the height the image is said to have had'),
      side('crop_w', 0, 'left edge of the crop, in pixels (0: uncropped)'),
      side('crop_h', 0, 'top edge of the crop, in pixels (0: uncropped)'),
      side('target_width', 1024, 'target size: width'),
      side('target_height', 1024, 'target size: height'),
      { name: 'text_g', kind: 'STRING', default: '', multiline: true, tooltip: 'prompt for text_encoder_2 (OpenCLIP bigG); empty: text_l' },
      { name: 'text_l', kind: 'STRING', default: '', multiline: true, tooltip: 'prompt for text_encoder (CLIP ViT-L)' },
    ],
    outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
  },
  execute: async (inputs, context) => {
    if (inputs.clip.folder.textEncoder2 === null) {
      throw new UserFacingError(`${inputs.clip.folder.name} is not an SDXL pipeline (it has no text_encoder_2)`, { field: 'clip', hint: 'use Text Encode for SD 1.x/2.x checkpoints' });
    }
    const encoded = await encodePrompt(inputs.clip.folder, inputs.text_l, context.executionProvider, inputs.text_g, { stopAt: inputs.clip.stopAt, loras: inputs.clip.loras });
    const prompt = [...new Set([inputs.text_l, inputs.text_g].filter((text) => text.trim() !== ''))].join('\n');
    const conditioning = {
      ...encoded,
      prompt,
      size: { originalSize: [inputs.height, inputs.width], cropTopLeft: [inputs.crop_h, inputs.crop_w], targetSize: [inputs.target_height, inputs.target_width] },
    } as const;
    if (!encoded.truncation) return { outputs: [[conditioning]] };
    const note = `a prompt is longer than ${encoded.dims[1]} tokens: "${encoded.truncation.droppedText}" (${encoded.truncation.droppedTokens} tokens) was cut`;
    context.message('warning', note);
    return { outputs: [[conditioning]], ui: { text: [note] } };
  },
});
