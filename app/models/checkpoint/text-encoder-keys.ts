/**
 * The text encoders of original checkpoints → transformers' CLIPTextModel(WithProjection) names,
 * as diffusers converts them (loaders/single_file_utils.py):
 *
 * - CLIP ViT-L (SD 1.x "cond_stage_model.transformer.", SDXL "conditioner.embedders.0.transformer.")
 *   is stored with transformers' names already: the prefix goes (convert_ldm_clip_checkpoint).
 *   Very old SD 1.x files lack the "text_model." level; it is added.
 * - OpenCLIP (SD 2.x "cond_stage_model.model." or, saved by sgm, "conditioner.embedders.0.model.";
 *   SDXL's bigG "conditioner.embedders.1.model.") is
 *   open_clip's own layout (convert_open_clip_checkpoint): resblocks.N → encoder.layers.N, ln_1/ln_2
 *   → layer_norm1/2, mlp.c_fc/c_proj → mlp.fc1/fc2, attn → self_attn with the fused in_proj_weight
 *   [3d, d] split row-wise into q_proj, k_proj, v_proj; positional_embedding, token_embedding,
 *   ln_final; text_projection [d, p] is used transposed as text_projection.weight [p, d].
 */
import { renamed, type CheckpointShapes, type KeyMapping, type TensorRecipe } from './tensor-recipe.js';

export const SD1_CLIP_PREFIX = 'cond_stage_model.transformer.';
export const SD2_OPEN_CLIP_PREFIX = 'cond_stage_model.model.';
/** SD 2.x saved by Stability's sgm code (ComfyUI reads it too: supported_models.py SD20). */
export const SD2_SGM_OPEN_CLIP_PREFIX = 'conditioner.embedders.0.model.';
export const SDXL_CLIP_PREFIX = 'conditioner.embedders.0.transformer.';
export const SDXL_OPEN_CLIP_PREFIX = 'conditioner.embedders.1.model.';

/** A buffer (arange(77)), not a parameter: the graph computes positions itself. */
const CLIP_POSITION_IDS = 'text_model.embeddings.position_ids';

export interface TextEncoderMapping {
  mapping: KeyMapping;
  /** Keys of this encoder that are deliberately not used (buffers, the layers after the one SD reads). */
  ignored: string[];
}

export function mapClipKeys(shapes: CheckpointShapes, prefix: string): TextEncoderMapping {
  const mapping: KeyMapping = new Map();
  const ignored: string[] = [];
  for (const source of shapes.keys()) {
    if (!source.startsWith(prefix)) continue;
    const rest = source.slice(prefix.length);
    const name = rest.startsWith('text_model.') ? rest : `text_model.${rest}`;
    if (name === CLIP_POSITION_IDS) ignored.push(source);
    else mapping.set(name, renamed(shapes, source));
  }
  return { mapping, ignored };
}

const OPEN_CLIP_TOP_LEVEL: Readonly<Record<string, string>> = {
  positional_embedding: 'text_model.embeddings.position_embedding.weight',
  'token_embedding.weight': 'text_model.embeddings.token_embedding.weight',
  'ln_final.weight': 'text_model.final_layer_norm.weight',
  'ln_final.bias': 'text_model.final_layer_norm.bias',
};

const OPEN_CLIP_LAYER_PARTS: Readonly<Record<string, string>> = {
  'ln_1': 'layer_norm1',
  'ln_2': 'layer_norm2',
  'mlp.c_fc': 'mlp.fc1',
  'mlp.c_proj': 'mlp.fc2',
  'attn.out_proj': 'self_attn.out_proj',
};

export interface OpenClipOptions {
  /** Encoder layers to keep: SD 2.x uses the penultimate layer's output, so one fewer than stored. */
  layers: number;
  /** Map text_projection (SDXL's CLIPTextModelWithProjection); otherwise it is ignored (SD 2.x). */
  withProjection: boolean;
}

export function mapOpenClipKeys(shapes: CheckpointShapes, prefix: string, options: OpenClipOptions): TextEncoderMapping {
  const mapping: KeyMapping = new Map();
  const ignored: string[] = [];
  for (const source of shapes.keys()) {
    if (!source.startsWith(prefix)) continue;
    const rest = source.slice(prefix.length);
    const top = OPEN_CLIP_TOP_LEVEL[rest];
    if (top !== undefined) {
      mapping.set(top, renamed(shapes, source));
    } else if (rest === 'text_projection') {
      if (options.withProjection) mapping.set('text_projection.weight', transposed(renamed(shapes, source)));
      else ignored.push(source);
    } else if (rest === 'logit_scale' || rest === 'attn_mask') {
      ignored.push(source);
    } else {
      mapLayerKey(shapes, source, rest, options.layers, mapping, ignored);
    }
  }
  return { mapping, ignored };
}

const LAYER_KEY = /^transformer\.resblocks\.(\d+)\.(.+)\.(weight|bias|in_proj_weight|in_proj_bias)$/;

function mapLayerKey(shapes: CheckpointShapes, source: string, rest: string, layers: number, mapping: KeyMapping, ignored: string[]): void {
  const match = LAYER_KEY.exec(rest);
  if (!match) return;
  const [, layerText, part, leaf] = match as unknown as [string, string, string, string];
  const layer = Number(layerText);
  if (layer >= layers) {
    ignored.push(source);
    return;
  }
  const base = `text_model.encoder.layers.${layer}`;
  if (part === 'attn' && (leaf === 'in_proj_weight' || leaf === 'in_proj_bias')) {
    const fused = renamed(shapes, source);
    const width = (fused.shape[0] ?? 0) / 3;
    const kind = leaf === 'in_proj_weight' ? 'weight' : 'bias';
    (['q_proj', 'k_proj', 'v_proj'] as const).forEach((projection, i) => {
      mapping.set(`${base}.self_attn.${projection}.${kind}`, { source, shape: [width, ...fused.shape.slice(1)], rows: { first: i * width, count: width } });
    });
    return;
  }
  const diffusersPart = OPEN_CLIP_LAYER_PARTS[part];
  if (diffusersPart !== undefined && (leaf === 'weight' || leaf === 'bias')) mapping.set(`${base}.${diffusersPart}.${leaf}`, renamed(shapes, source));
}

function transposed(recipe: TensorRecipe): TensorRecipe {
  const [rows = 0, columns = 0] = recipe.shape;
  return { ...recipe, shape: [columns, rows], transpose: true };
}

/** Stored OpenCLIP layers: the number of distinct resblocks.N under `prefix`. */
export function openClipLayerCount(shapes: CheckpointShapes, prefix: string): number {
  const layers = new Set<number>();
  for (const key of shapes.keys()) {
    if (!key.startsWith(prefix)) continue;
    const m = /^transformer\.resblocks\.(\d+)\./.exec(key.slice(prefix.length));
    if (m) layers.add(Number(m[1]));
  }
  return layers.size;
}
