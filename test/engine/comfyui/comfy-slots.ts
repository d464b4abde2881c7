/**
 * ComfyUI's slots for the core nodes the tests draw (its nodes.py INPUT_TYPES / RETURN_TYPES), so a
 * test graph is written as a ComfyUI user's graph: sockets as inputs, widgets as widgets_values.
 */
import type { ComfySlot } from '../../support/comfy-ui-builder.js';

const slot = (name: string, type: string): ComfySlot => ({ name, type });
/** A widget converted to an input keeps its widget's name on the slot. */
export const widgetInput = (name: string, type: string): ComfySlot => ({ name, type, widget: { name } });

export const COMFY_SLOTS = {
  CheckpointLoaderSimple: { outputs: [slot('MODEL', 'MODEL'), slot('CLIP', 'CLIP'), slot('VAE', 'VAE')] },
  CLIPTextEncode: { inputs: [slot('clip', 'CLIP')], outputs: [slot('CONDITIONING', 'CONDITIONING')] },
  EmptyLatentImage: { outputs: [slot('LATENT', 'LATENT')] },
  KSampler: {
    inputs: [slot('model', 'MODEL'), slot('positive', 'CONDITIONING'), slot('negative', 'CONDITIONING'), slot('latent_image', 'LATENT')],
    outputs: [slot('LATENT', 'LATENT')],
  },
  VAEDecode: { inputs: [slot('samples', 'LATENT'), slot('vae', 'VAE')], outputs: [slot('IMAGE', 'IMAGE')] },
  SaveImage: { inputs: [slot('images', 'IMAGE')] },
  LoadImage: { outputs: [slot('IMAGE', 'IMAGE'), slot('MASK', 'MASK')] },
  LoraLoader: { inputs: [slot('model', 'MODEL'), slot('clip', 'CLIP')], outputs: [slot('MODEL', 'MODEL'), slot('CLIP', 'CLIP')] },
  Reroute: { inputs: [slot('', '*')], outputs: [slot('', '*')] },
} satisfies Record<string, { inputs?: ComfySlot[]; outputs?: ComfySlot[] }>;
