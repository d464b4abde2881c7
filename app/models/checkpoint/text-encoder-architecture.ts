/**
 * transformers CLIPTextConfig values read off a text encoder's mapped shapes: width and vocabulary
 * from the token embedding, positions, layer count, MLP width. Heads are 64 channels each in every
 * CLIP/OpenCLIP text tower SD uses (ViT-L 12, ViT-H 16, ViT-bigG 20); the activation is the
 * family's (OpenAI CLIP quick_gelu, OpenCLIP gelu).
 */
import { UserFacingError } from '../../protocol/user-facing-error.js';
import type { KeyMapping } from './tensor-recipe.js';

export interface TextEncoderShape {
  hiddenAct: 'quick_gelu' | 'gelu';
  layers: number;
  withProjection: boolean;
}

const HEAD_CHANNELS = 64;

export function clipTextConfigJson(mapping: KeyMapping, shape: TextEncoderShape, file: string, prefix: string): Record<string, unknown> {
  const shapeOf = (name: string) => mapping.get(name)?.shape;
  const tokens = shapeOf('text_model.embeddings.token_embedding.weight');
  const positions = shapeOf('text_model.embeddings.position_embedding.weight');
  const fc1 = shapeOf('text_model.encoder.layers.0.mlp.fc1.weight');
  if (tokens === undefined || positions === undefined || fc1 === undefined) {
    throw new UserFacingError(`${file}: the text encoder under "${prefix}" is incomplete (no token/position embedding or first layer)`, {
      hint: 'the file may be damaged or only partly saved; use a complete checkpoint',
      code: 'checkpoint.text_encoder_missing',
    });
  }
  const hidden = tokens[1]!;
  if (hidden % HEAD_CHANNELS !== 0) {
    throw new UserFacingError(`${file}: the text encoder under "${prefix}" is ${hidden} wide, not a multiple of CLIP's 64-channel heads`, {
      code: 'checkpoint.unknown_architecture',
    });
  }
  const projection = shapeOf('text_projection.weight');
  return {
    _class_name: shape.withProjection ? 'CLIPTextModelWithProjection' : 'CLIPTextModel',
    architectures: [shape.withProjection ? 'CLIPTextModelWithProjection' : 'CLIPTextModel'],
    model_type: 'clip_text_model',
    vocab_size: tokens[0],
    hidden_size: hidden,
    intermediate_size: fc1[0],
    num_hidden_layers: shape.layers,
    num_attention_heads: hidden / HEAD_CHANNELS,
    max_position_embeddings: positions[0],
    hidden_act: shape.hiddenAct,
    layer_norm_eps: 1e-5,
    bos_token_id: 0,
    eos_token_id: 2,
    pad_token_id: 1,
    ...(shape.withProjection && projection !== undefined ? { projection_dim: projection[0] } : {}),
  };
}

/** Layers present as text_model.encoder.layers.N in a mapping. */
export function mappedLayerCount(mapping: KeyMapping): number {
  let layers = 0;
  while (mapping.has(`text_model.encoder.layers.${layers}.layer_norm1.weight`)) layers++;
  return layers;
}
