/**
 * What flows through the MODEL, CLIP, VAE, CONDITIONING, LATENT and IMAGE sockets. Declared here
 * and merged into the engine's socket map, so node execute() functions receive these types.
 */
import type { ImageBatch } from '../../imaging/image-batch.js';
import type { MaskBatch } from '../../imaging/mask.js';
import type { AppliedLora } from '../../models/lora/lora-merge.js';
import type { PipelineFolder, VaeModel } from '../../models/pipeline-folder.js';
import type { ModelPatch } from '../../scalecrafter/model-patches.js';

/** A loaded pipeline's UNet, plus the patches (ScaleCrafter, FreeU…) applied to it: plain data. */
export interface ModelHandle {
  readonly folder: PipelineFolder;
  readonly patches: readonly ModelPatch[];
  /** LoRAs merged into the UNet's weights when its session opens, in order (LoraLoader) */
  readonly loras?: readonly AppliedLora[];
}

export interface ClipHandle {
  readonly folder: PipelineFolder;
  /** CLIPSetLastLayer's stop_at_clip_layer; absent: the family's default state (clip-skip.ts). */
  readonly stopAt?: number;
  /** LoRAs merged into the text encoders' weights when their sessions open, in order (LoraLoader) */
  readonly loras?: readonly AppliedLora[];
}

/** What a CLIP handle adds to encoding a prompt: clip skip and LoRAs. */
export type ClipChoices = Pick<ClipHandle, 'stopAt' | 'loras'>;

/** A pipeline's VAE (LoadCheckpoint) or one loaded from its own file (VAELoader). */
export interface VaeHandle {
  readonly folder: VaeModel;
}

/**
 * SDXL's micro-conditioning in image pixels (the UNet's time_ids): the size the training image had,
 * the top-left corner of its crop, and the size asked for. diffusers' defaults: the image size, (0, 0).
 */
export interface SizeConditioning {
  readonly originalSize: readonly [height: number, width: number];
  readonly cropTopLeft: readonly [top: number, left: number];
  readonly targetSize: readonly [height: number, width: number];
}

export interface Conditioning {
  readonly prompt: string;
  /** SD: the text encoder's last hidden state, [1, 77, D]; SDXL: both encoders' penultimate states joined, [1, 77, 2048]. */
  readonly embeddings: Float32Array;
  readonly dims: readonly [number, number, number];
  /** SD: CLIP's pooler_output; SDXL: text_encoder_2's text_embeds, which the UNet takes. */
  readonly pooled: Float32Array | null;
  /** SDXL's size conditioning when a node set it; absent: the image's size (sdxl-added-conditions.ts). */
  readonly size?: SizeConditioning;
  /** Set when the prompt was longer than the encoder's 77 tokens. */
  readonly truncation: { droppedTokens: number; droppedText: string } | null;
  /**
   * ConditioningSetTimestepRange: the entry applies from `start` to `end`, fractions of the
   * denoising from 0 (pure noise) to 1 (clean), as ComfyUI's start/end percent (conditioning-schedule.ts).
   */
  readonly timestepRange?: { readonly start: number; readonly end: number };
  /** ConditioningSetArea(Percentage): the part of the image the entry applies to (conditioning-regions.ts). */
  readonly area?: ConditioningArea;
  /** ConditioningSetArea*'s strength: the weight of the entry's prediction where it applies (default 1). */
  readonly strength?: number;
  /** ConditioningSetMask: per-pixel weights, scaled by `strength` there, and whether the area becomes the mask's bounds. */
  readonly mask?: ConditioningMask;
}

/**
 * Where an entry applies, as ComfyUI's area: in image pixels (ConditioningSetArea; the Sampler divides
 * by its model's VAE factor, ComfyUI's //8) or in fractions of the image (ConditioningSetAreaPercentage).
 */
export interface ConditioningArea {
  readonly unit: 'pixels' | 'fraction';
  readonly width: number;
  readonly height: number;
  readonly x: number;
  readonly y: number;
}

export interface ConditioningMask {
  readonly mask: MaskBatch;
  /** ComfyUI's mask_strength */
  readonly strength: number;
  /** set_cond_area "mask bounds": evaluate only the box around the mask's non-zero pixels */
  readonly setAreaToBounds: boolean;
}

/**
 * What flows through a CONDITIONING socket: ComfyUI's list of entries. TextEncode makes one;
 * ConditioningCombine joins lists; the Sampler averages the model's outputs over the entries
 * active at each step (guidance.ts).
 */
export type ConditioningList = readonly Conditioning[];

export interface Latent {
  /** NCHW float32, unscaled (as the UNet sees it). */
  readonly samples: Float32Array;
  readonly dims: readonly [number, number, number, number];
  /**
   * Image pixels per latent pixel, when the node that made the latent knew its model (Sampler,
   * VAEEncode); LatentUpscale reads its pixel sizes through it, and assumes ComfyUI's 8 without it.
   */
  readonly vaeScaleFactor?: number;
  /**
   * SetLatentNoiseMask / VAEEncodeForInpaint: where the Sampler denoises (1) and where it keeps this
   * latent (0), at any size (the Sampler resizes it: inpainting.ts). Nodes that copy a latent keep it, as ComfyUI's.
   */
  readonly noiseMask?: MaskBatch;
}

/**
 * EmptyLatentImage's output: the image size asked for, no tensor yet. It does not know the model, so
 * the node that does (Sampler, VAEDecode) makes the zeros in that model's latent space, as ComfyUI
 * adapts an empty latent to the model's channels (comfy/sample.py fix_empty_latent_channels).
 */
export interface EmptyLatent {
  readonly emptyImage: { readonly batch: number; readonly width: number; readonly height: number };
  /** As Latent's: SetLatentNoiseMask on an empty latent. */
  readonly noiseMask?: MaskBatch;
}

/** What flows through a LATENT socket. */
export type LatentValue = Latent | EmptyLatent;

declare module '../../engine/socket-values.js' {
  interface SocketValueMap {
    MODEL: ModelHandle;
    CLIP: ClipHandle;
    VAE: VaeHandle;
    CONDITIONING: ConditioningList;
    LATENT: LatentValue;
    IMAGE: ImageBatch;
  }
}
