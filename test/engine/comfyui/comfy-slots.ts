/**
 * ComfyUI's slots for the core nodes the tests draw (its nodes.py INPUT_TYPES / RETURN_TYPES), so a
 * test graph is written as a ComfyUI user's graph: sockets as inputs, widgets as widgets_values.
 */
import { ComfyGraphBuilder, type ComfySlot } from '../../support/comfy-ui-builder.js';

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

/**
 * ComfyUI's default graph (checkpoint, two prompts, empty latent, KSampler, decode, save) at the tiny
 * model's size; `sampler` may add converted-widget inputs to the KSampler for a test to feed.
 */
export function tinyDefaultGraph(options: { samplerWidgets: unknown[]; prefix: string; samplerInputs?: ComfySlot[]; checkpointTitle?: string }): ComfyGraphBuilder {
  const graph = new ComfyGraphBuilder();
  graph.add(4, 'CheckpointLoaderSimple', COMFY_SLOTS.CheckpointLoaderSimple, ['tiny-sd'], options.checkpointTitle ? { title: options.checkpointTitle } : {});
  graph.add(5, 'EmptyLatentImage', COMFY_SLOTS.EmptyLatentImage, [32, 32, 1]);
  graph.add(6, 'CLIPTextEncode', COMFY_SLOTS.CLIPTextEncode, ['a red apple']);
  graph.add(7, 'CLIPTextEncode', COMFY_SLOTS.CLIPTextEncode, ['blurry']);
  graph.add(3, 'KSampler', { inputs: [...COMFY_SLOTS.KSampler.inputs, ...(options.samplerInputs ?? [])], outputs: COMFY_SLOTS.KSampler.outputs }, options.samplerWidgets);
  graph.add(8, 'VAEDecode', COMFY_SLOTS.VAEDecode);
  graph.add(9, 'SaveImage', COMFY_SLOTS.SaveImage, [options.prefix]);
  graph.connect(4, 0, 3, 'model');
  graph.connect(4, 2, 8, 'vae');
  wireTextToImage(graph);
  return graph;
}

/** The links ComfyUI's default graph's variants share: text encoders from the checkpoint's CLIP (4), sampler (3) in, decoder (8) out to 9. */
export function wireTextToImage(graph: ComfyGraphBuilder): void {
  graph.connect(4, 1, 6, 'clip');
  graph.connect(4, 1, 7, 'clip');
  graph.connect(6, 0, 3, 'positive');
  graph.connect(7, 0, 3, 'negative');
  graph.connect(5, 0, 3, 'latent_image');
  graph.connect(3, 0, 8, 'samples');
  graph.connect(8, 0, 9, 'images');
}
