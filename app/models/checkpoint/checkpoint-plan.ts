/**
 * What an original single-file checkpoint holds and how it becomes a diffusers pipeline: the
 * family, per component its diffusers config and key mapping, and which stored keys are
 * deliberately dropped or left over. Decided from tensor names and shapes alone (no values).
 *
 * Family: SDXL when the UNet has label_emb (the added embedding) and a 2048-wide context; SD 2.x
 * at 1024, SD 1.x at 768 (ComfyUI's model_detection reads the same attn2.to_k width). Other widths
 * (test-size models, unusual fine-tunes) go by the text encoder's layout: OpenCLIP under
 * "cond_stage_model.model." is SD 2.x, CLIP under "cond_stage_model.transformer." SD 1.x.
 */
import { UserFacingError } from '../../protocol/user-facing-error.js';
import type { ModelFamily } from '../pipeline-folder.js';
import { classifyNonCheckpoint } from './non-checkpoint.js';
import type { CheckpointShapes, KeyMapping } from './tensor-recipe.js';
import { clipTextConfigJson, mappedLayerCount } from './text-encoder-architecture.js';
import {
  mapClipKeys,
  mapOpenClipKeys,
  openClipLayerCount,
  SD1_CLIP_PREFIX,
  SD2_OPEN_CLIP_PREFIX,
  SD2_SGM_OPEN_CLIP_PREFIX,
  SDXL_CLIP_PREFIX,
  SDXL_OPEN_CLIP_PREFIX,
  type TextEncoderMapping,
} from './text-encoder-keys.js';
import { countUNetTensors, readUNetShape, unetConfigJson, unknownUNet, type UNetShape } from './unet-architecture.js';
import { mapUNetKeys } from './unet-keys.js';
import { vaeConfigJson } from './vae-architecture.js';
import { mapVaeKeys } from './vae-keys.js';

export type TextEncoderFolder = 'text_encoder' | 'text_encoder_2';

export interface ComponentPlan {
  config: Record<string, unknown>;
  mapping: KeyMapping;
}

export interface CheckpointPlan {
  family: ModelFamily;
  unetShape: UNetShape;
  unet: ComponentPlan;
  vae: ComponentPlan;
  textEncoders: Partial<Record<TextEncoderFolder, ComponentPlan>>;
  /** Stored keys dropped on purpose (noise-schedule buffers, EMA counters, SD 2.x's last text layer). */
  ignored: string[];
  /** Stored keys nothing maps: named in a warning. */
  leftOver: string[];
}

export interface PlanOptions {
  family?: ModelFamily;
  /** Used for SD 2.x's sample size (96 for v-prediction, the 768² models). */
  vPrediction?: boolean;
  /** Replace the detected configs (keys as in diffusers' config.json). */
  unetConfig?: Record<string, unknown>;
  vaeConfig?: Record<string, unknown>;
}

/** Buffers of ldm's LatentDiffusion and its EMA that are not model parameters. */
const NON_PARAMETER_KEY = /^(betas|alphas_cumprod|alphas_cumprod_prev|sqrt_alphas_cumprod|sqrt_one_minus_alphas_cumprod|log_one_minus_alphas_cumprod|sqrt_recip_alphas_cumprod|sqrt_recipm1_alphas_cumprod|posterior_variance|posterior_log_variance_clipped|posterior_mean_coef1|posterior_mean_coef2|logvar|model_ema\..*)$/;

const FAMILY_BY_CONTEXT: ReadonlyMap<number, ModelFamily> = new Map([[768, 'sd1'], [1024, 'sd2'], [2048, 'sdxl']]);

function detectFamily(shapes: CheckpointShapes, unet: UNetShape, file: string): ModelFamily {
  const has = (prefix: string) => [...shapes.keys()].some((name) => name.startsWith(prefix));
  if (unet.addedEmbeddingInput !== null) {
    if (unet.contextWidth === 2048 || has(SDXL_OPEN_CLIP_PREFIX)) return 'sdxl';
    // SD 2.x unCLIP and class-conditioned UNets carry a label_emb too, with another context.
    throw unknownUNet(file, `an added embedding (label_emb, ${unet.addedEmbeddingInput} inputs) with ${unet.contextWidth}-wide text states: not SDXL, perhaps an unCLIP model`);
  }
  const byContext = FAMILY_BY_CONTEXT.get(unet.contextWidth);
  if (byContext !== undefined) return byContext;
  if (has(SDXL_OPEN_CLIP_PREFIX)) return 'sdxl';
  if (has(SD2_OPEN_CLIP_PREFIX) || has(SD2_SGM_OPEN_CLIP_PREFIX)) return 'sd2';
  if (has(SD1_CLIP_PREFIX)) return 'sd1';
  throw new UserFacingError(`${file}: cannot tell the model family: the UNet reads ${unet.contextWidth}-wide text states (SD 1.x: 768, SD 2.x: 1024, SDXL: 2048) and no text encoder is stored`, {
    hint: 'pass --family sd1, sd2 or sdxl',
    code: 'checkpoint.unknown_architecture',
  });
}

function textEncoderMissing(file: string, family: ModelFamily, prefix: string): UserFacingError {
  return new UserFacingError(`${file} holds no text encoder for ${family} (no tensors under "${prefix}")`, {
    hint: 'single-file checkpoints normally bundle it; use the full checkpoint, not a UNet-only extract',
    code: 'checkpoint.text_encoder_missing',
  });
}

function textEncoderPlan(shapes: CheckpointShapes, file: string, family: ModelFamily, prefix: string, kind: 'clip' | 'open_clip', options: { penultimate: boolean; withProjection: boolean }): ComponentPlan & TextEncoderMapping {
  let mapped: TextEncoderMapping;
  if (kind === 'clip') {
    mapped = mapClipKeys(shapes, prefix);
  } else {
    const stored = openClipLayerCount(shapes, prefix);
    mapped = mapOpenClipKeys(shapes, prefix, { layers: options.penultimate ? stored - 1 : stored, withProjection: options.withProjection });
  }
  if (mapped.mapping.size === 0) throw textEncoderMissing(file, family, prefix);
  const layers = mappedLayerCount(mapped.mapping);
  const config = clipTextConfigJson(mapped.mapping, { hiddenAct: kind === 'clip' ? 'quick_gelu' : 'gelu', layers, withProjection: options.withProjection }, file, prefix);
  return { ...mapped, config };
}

function textEncoderPlans(shapes: CheckpointShapes, family: ModelFamily, file: string): Array<[TextEncoderFolder, ComponentPlan & TextEncoderMapping]> {
  const plan = (prefix: string, kind: 'clip' | 'open_clip', options: { penultimate: boolean; withProjection: boolean }) => {
    if (![...shapes.keys()].some((name) => name.startsWith(prefix))) throw textEncoderMissing(file, family, prefix);
    return textEncoderPlan(shapes, file, family, prefix, kind, options);
  };
  const plain = { penultimate: false, withProjection: false };
  if (family === 'sd1') return [['text_encoder', plan(SD1_CLIP_PREFIX, 'clip', plain)]];
  // SD 2.x conditions on the penultimate OpenCLIP layer (ldm's FrozenOpenCLIPEmbedder layer="penultimate"):
  // diffusers keeps 23 of the 24 stored layers.
  if (family === 'sd2') {
    const prefix = [...shapes.keys()].some((name) => name.startsWith(SD2_SGM_OPEN_CLIP_PREFIX)) ? SD2_SGM_OPEN_CLIP_PREFIX : SD2_OPEN_CLIP_PREFIX;
    return [['text_encoder', plan(prefix, 'open_clip', { penultimate: true, withProjection: false })]];
  }
  return [
    ['text_encoder', plan(SDXL_CLIP_PREFIX, 'clip', plain)],
    ['text_encoder_2', plan(SDXL_OPEN_CLIP_PREFIX, 'open_clip', { penultimate: false, withProjection: true })],
  ];
}

export function planCheckpoint(shapes: CheckpointShapes, file: string, options: PlanOptions = {}): CheckpointPlan {
  if (countUNetTensors(shapes) === 0) throw classifyNonCheckpoint(shapes, file);
  const unetShape = readUNetShape(shapes, file);
  const family = options.family ?? detectFamily(shapes, unetShape, file);
  const unet: ComponentPlan = {
    config: options.unetConfig ?? unetConfigJson(unetShape, family, options.vPrediction ?? false, file),
    mapping: mapUNetKeys(shapes, unetShape.levels[0]!.resnets),
  };
  const vae: ComponentPlan = { config: options.vaeConfig ?? vaeConfigJson(shapes, family, file), mapping: mapVaeKeys(shapes) };
  const encoders = textEncoderPlans(shapes, family, file);
  const textEncoders: CheckpointPlan['textEncoders'] = {};
  const ignored: string[] = [];
  for (const [folder, { config, mapping, ignored: dropped }] of encoders) {
    textEncoders[folder] = { config, mapping };
    ignored.push(...dropped);
  }
  ignored.push(...[...shapes.keys()].filter((name) => NON_PARAMETER_KEY.test(name)));
  const used = new Set<string>(ignored);
  for (const component of [unet, vae, ...Object.values(textEncoders)]) {
    for (const recipe of component.mapping.values()) used.add(recipe.source);
  }
  return { family, unetShape, unet, vae, textEncoders, ignored, leftOver: [...shapes.keys()].filter((name) => !used.has(name)) };
}
