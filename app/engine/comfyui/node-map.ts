/**
 * ComfyUI node types that have a counterpart here, and how their inputs, widget values and outputs
 * translate. ComfyUI's side (widget order, input names, output types, default titles) follows its
 * `nodes.py` INPUT_TYPES/RETURN_TYPES; our side is read from the registered node schemas at import
 * time, so this file holds only what differs and never a second copy of our schemas.
 */
import type { WidgetValue } from '../../protocol/index.js';
import type { PositionalWidget } from '../positional-widgets.js';
import { COMFY_SAMPLER_NAMES, SCHEDULE_NAMES } from '../../diffusion/schedulers/index.js';

export interface ConvertedValue {
  value: WidgetValue;
  /** Set when the value has no faithful counterpart and was kept as it was. */
  note?: string;
}

export interface ComfyNodeMapping {
  readonly comfyType: string;
  /** The title ComfyUI gives a new node of this type (API files carry it in `_meta.title`); any other title is the user's own. */
  readonly comfyTitle: string;
  readonly ourType: string;
  /** ComfyUI's widgets in its `widgets_values` order; a seed's control value follows the seed. */
  readonly widgets: readonly PositionalWidget[];
  /** ComfyUI input names (sockets and widgets alike) that are spelled differently here. */
  readonly renamedInputs: Readonly<Record<string, string>>;
  /** ComfyUI's output types in slot order; each lands on our first unused output of the same type. */
  readonly outputs: readonly string[];
  /** Value conversions, keyed by our widget name. */
  readonly convert?: Readonly<Record<string, (value: WidgetValue) => ConvertedValue>>;
  /** The same conversions back to ComfyUI's values, for the export; every `convert` key needs one. */
  readonly convertBack?: Readonly<Record<string, (value: WidgetValue) => WidgetValue>>;
  /** ComfyUI widgets that only drive its own page (LoadImage's upload button): their values are dropped without a note. */
  readonly pageOnlyWidgets?: readonly string[];
}

const widget = (name: string, hasControl = false): PositionalWidget => ({ name, hasControl });

/**
 * ComfyUI sampler names whose update rule ours implements with the same meaning come from each
 * sampler's descriptor (`comfyName`); any other sampler (uni_pc, dpm_fast, …) is kept by name and
 * reported, so validation flags it on the sampler field.
 */

/**
 * ComfyUI schedulers (comfy/samplers.py SCHEDULER_HANDLERS) with a counterpart here, under the same
 * names (sigma-schedules.ts); linear_quadratic, kl_optimal, … are kept by name and reported.
 */
const SCHEDULERS: Readonly<Record<string, string>> = Object.fromEntries(SCHEDULE_NAMES.map((name) => [name, name]));

function throughTable(what: string, table: Readonly<Record<string, string>>) {
  return (value: WidgetValue): ConvertedValue => {
    if (typeof value === 'string' && Object.hasOwn(table, value)) return { value: table[value] as string };
    return {
      value,
      note: `${what} ${JSON.stringify(value)} has no counterpart here (supported: ${Object.keys(table).join(', ')}); kept as it was`,
    };
  };
}

/** Our value → ComfyUI's through the table read backwards; a value kept from ComfyUI as it was goes back as it is. */
function backThroughTable(table: Readonly<Record<string, string>>) {
  const reversed = new Map(Object.entries(table).map(([comfy, ours]) => [ours, comfy]));
  return (value: WidgetValue): WidgetValue => (typeof value === 'string' ? (reversed.get(value) ?? value) : value);
}

/** A ComfyUI core node that is ours under the same type, input names and outputs (nodes/index.ts `comfyCoreNodes`). */
function sameNamed(type: string, title: string, widgets: readonly string[], outputs: readonly string[]): ComfyNodeMapping {
  return { comfyType: type, comfyTitle: title, ourType: type, widgets: widgets.map((name) => widget(name)), renamedInputs: {}, outputs };
}

/**
 * The mappings, in import order. Export reads them backwards: a node of ours is written as the first
 * mapping whose `ourType` it has, so a second ComfyUI type landing on the same node of ours (an
 * alias) goes after the one ComfyUI should see.
 */
const MAPPINGS: readonly ComfyNodeMapping[] = [
  {
    comfyType: 'CheckpointLoaderSimple',
    comfyTitle: 'Load Checkpoint',
    ourType: 'LoadCheckpoint',
    widgets: [widget('ckpt_name')],
    renamedInputs: { ckpt_name: 'model' },
    // ckpt_name is kept as ComfyUI wrote it: LoadCheckpoint finds the file by the same name in the
    // checkpoints folders (app/models/model-files.ts), or a pipeline folder named after its stem.
    outputs: ['MODEL', 'CLIP', 'VAE'],
  },
  {
    comfyType: 'VAELoader',
    comfyTitle: 'Load VAE',
    ourType: 'VAELoader',
    widgets: [widget('vae_name')],
    renamedInputs: {},
    outputs: ['VAE'],
  },
  {
    comfyType: 'LoraLoader',
    comfyTitle: 'Load LoRA',
    ourType: 'LoraLoader',
    widgets: [widget('lora_name'), widget('strength_model'), widget('strength_clip')],
    renamedInputs: {},
    outputs: ['MODEL', 'CLIP'],
  },
  {
    comfyType: 'LoraLoaderModelOnly',
    comfyTitle: 'LoraLoaderModelOnly',
    ourType: 'LoraLoaderModelOnly',
    widgets: [widget('lora_name'), widget('strength_model')],
    renamedInputs: {},
    outputs: ['MODEL'],
  },
  {
    comfyType: 'CLIPTextEncode',
    comfyTitle: 'CLIP Text Encode (Prompt)',
    ourType: 'TextEncode',
    widgets: [widget('text')],
    renamedInputs: {},
    outputs: ['CONDITIONING'],
  },
  {
    comfyType: 'CLIPTextEncodeSDXL',
    comfyTitle: 'CLIPTextEncodeSDXL',
    ourType: 'TextEncodeSDXL',
    widgets: ['width', 'height', 'crop_w', 'crop_h', 'target_width', 'target_height', 'text_g', 'text_l'].map((name) => widget(name)),
    renamedInputs: {},
    outputs: ['CONDITIONING'],
  },
  {
    comfyType: 'EmptyLatentImage',
    comfyTitle: 'Empty Latent Image',
    ourType: 'EmptyLatentImage',
    widgets: [widget('width'), widget('height'), widget('batch_size')],
    renamedInputs: {},
    outputs: ['LATENT'],
  },
  {
    comfyType: 'KSampler',
    comfyTitle: 'KSampler',
    ourType: 'Sampler',
    widgets: [widget('seed', true), widget('steps'), widget('cfg'), widget('sampler_name'), widget('scheduler'), widget('denoise')],
    renamedInputs: { sampler_name: 'sampler', latent_image: 'latent' },
    outputs: ['LATENT'],
    convert: { sampler: throughTable('sampler', COMFY_SAMPLER_NAMES), scheduler: throughTable('scheduler', SCHEDULERS) },
    convertBack: { sampler: backThroughTable(COMFY_SAMPLER_NAMES), scheduler: backThroughTable(SCHEDULERS) },
  },
  {
    comfyType: 'VAEDecode',
    comfyTitle: 'VAE Decode',
    ourType: 'VAEDecode',
    widgets: [],
    renamedInputs: {},
    outputs: ['IMAGE'],
  },
  {
    comfyType: 'SaveImage',
    comfyTitle: 'Save Image',
    ourType: 'SaveImage',
    widgets: [widget('filename_prefix')],
    renamedInputs: {},
    outputs: [],
  },
  {
    comfyType: 'SaveImageWebsocket',
    comfyTitle: 'SaveImageWebsocket',
    ourType: 'SaveImageWebsocket',
    widgets: [],
    renamedInputs: {},
    outputs: [],
  },
  {
    comfyType: 'LoadImage',
    comfyTitle: 'Load Image',
    ourType: 'LoadImage',
    // "upload" is the frontend's upload button; it has no counterpart here.
    widgets: [widget('image'), widget('upload')],
    renamedInputs: {},
    outputs: ['IMAGE', 'MASK'],
    pageOnlyWidgets: ['upload'],
  },
  // comfy_extras/nodes_primitive.py; PrimitiveInt's control after generating is our Integer's.
  ...(
    [
      ['PrimitiveInt', 'Int', 'PrimitiveInt', 'INT', true],
      ['PrimitiveFloat', 'Float', 'PrimitiveFloat', 'FLOAT', false],
      ['PrimitiveString', 'String', 'PrimitiveString', 'STRING', false],
      ['PrimitiveStringMultiline', 'String (Multiline)', 'PrimitiveString', 'STRING', false],
      ['PrimitiveBoolean', 'Boolean', 'PrimitiveBoolean', 'BOOLEAN', false],
    ] as const
  ).map(([comfyType, comfyTitle, ourType, output, hasControl]) => ({ comfyType, comfyTitle, ourType, widgets: [widget('value', hasControl)], renamedInputs: {}, outputs: [output] })),
  {
    comfyType: 'PreviewImage',
    comfyTitle: 'Preview Image',
    ourType: 'PreviewImage',
    widgets: [],
    renamedInputs: {},
    outputs: [],
  },
  {
    comfyType: 'KSamplerAdvanced',
    comfyTitle: 'KSampler (Advanced)',
    ourType: 'KSamplerAdvanced',
    widgets: [widget('add_noise'), widget('noise_seed', true), ...['steps', 'cfg', 'sampler_name', 'scheduler', 'start_at_step', 'end_at_step', 'return_with_leftover_noise'].map((name) => widget(name))],
    renamedInputs: {},
    outputs: ['LATENT'],
    convert: { sampler_name: throughTable('sampler', COMFY_SAMPLER_NAMES), scheduler: throughTable('scheduler', SCHEDULERS) },
    convertBack: { sampler_name: backThroughTable(COMFY_SAMPLER_NAMES), scheduler: backThroughTable(SCHEDULERS) },
  },
  sameNamed('CLIPSetLastLayer', 'CLIP Set Last Layer', ['stop_at_clip_layer'], ['CLIP']),
  sameNamed('ConditioningCombine', 'Conditioning (Combine)', [], ['CONDITIONING']),
  sameNamed('ConditioningConcat', 'Conditioning (Concat)', [], ['CONDITIONING']),
  sameNamed('ConditioningZeroOut', 'ConditioningZeroOut', [], ['CONDITIONING']),
  sameNamed('ConditioningSetTimestepRange', 'ConditioningSetTimestepRange', ['start', 'end'], ['CONDITIONING']),
  sameNamed('ConditioningSetArea', 'Conditioning (Set Area)', ['width', 'height', 'x', 'y', 'strength'], ['CONDITIONING']),
  sameNamed('ConditioningSetAreaPercentage', 'Conditioning (Set Area with Percentage)', ['width', 'height', 'x', 'y', 'strength'], ['CONDITIONING']),
  sameNamed('ConditioningSetAreaStrength', 'ConditioningSetAreaStrength', ['strength'], ['CONDITIONING']),
  sameNamed('ConditioningSetMask', 'Conditioning (Set Mask)', ['strength', 'set_cond_area'], ['CONDITIONING']),
  sameNamed('SolidMask', 'SolidMask', ['value', 'width', 'height'], ['MASK']),
  sameNamed('ImageToMask', 'Convert Image to Mask', ['channel'], ['MASK']),
  sameNamed('LatentUpscale', 'Upscale Latent', ['upscale_method', 'width', 'height', 'crop'], ['LATENT']),
  sameNamed('LatentUpscaleBy', 'Upscale Latent By', ['upscale_method', 'scale_by'], ['LATENT']),
  sameNamed('ImageScale', 'Upscale Image', ['upscale_method', 'width', 'height', 'crop'], ['IMAGE']),
  sameNamed('ImageScaleBy', 'Upscale Image By', ['upscale_method', 'scale_by'], ['IMAGE']),
  sameNamed('SetLatentNoiseMask', 'Set Latent Noise Mask', [], ['LATENT']),
  sameNamed('VAEEncodeForInpaint', 'VAE Encode (for Inpainting)', ['grow_mask_by'], ['LATENT']),
  // comfy_extras/nodes_mask.py
  sameNamed('InvertMask', 'InvertMask', [], ['MASK']),
  sameNamed('MaskToImage', 'Convert Mask to Image', [], ['IMAGE']),
  sameNamed('GrowMask', 'GrowMask', ['expand', 'tapered_corners'], ['MASK']),
  sameNamed('FeatherMask', 'FeatherMask', ['left', 'top', 'right', 'bottom'], ['MASK']),
  sameNamed('ThresholdMask', 'ThresholdMask', ['value'], ['MASK']),
  sameNamed('CropMask', 'CropMask', ['x', 'y', 'width', 'height'], ['MASK']),
  sameNamed('MaskComposite', 'MaskComposite', ['x', 'y', 'operation'], ['MASK']),
  // comfy_extras/nodes_images.py
  sameNamed('ImageStitch', 'Image Stitch', ['direction', 'match_image_size', 'spacing_width', 'spacing_color'], ['IMAGE']),
];

export const COMFY_NODE_MAP: ReadonlyMap<string, ComfyNodeMapping> = new Map(MAPPINGS.map((mapping) => [mapping.comfyType, mapping]));

/** Our node type → the ComfyUI mapping it exports as (the first listed for it). */
export const COMFY_EXPORT_MAP: ReadonlyMap<string, ComfyNodeMapping> = new Map([...MAPPINGS].reverse().map((mapping) => [mapping.ourType, mapping]));
