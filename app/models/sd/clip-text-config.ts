/**
 * transformers' CLIPTextConfig (text_encoder/config.json, and SDXL's text_encoder_2/config.json),
 * the keys CLIPTextModel and CLIPTextModelWithProjection read
 * (transformers/models/clip/configuration_clip.py, modeling_clip.py).
 */
import { z } from 'zod';
import { modelConfigError, configErrorFromIssues } from './config-error.js';

const positiveInt = z.number().int().positive();

const clipTextConfigSchema = z
  .object({
    vocab_size: positiveInt.default(49408),
    hidden_size: positiveInt.default(512),
    intermediate_size: positiveInt.default(2048),
    num_hidden_layers: positiveInt.default(12),
    num_attention_heads: positiveInt.default(8),
    max_position_embeddings: positiveInt.default(77),
    hidden_act: z.enum(['quick_gelu', 'gelu']).default('quick_gelu'),
    layer_norm_eps: z.number().positive().default(1e-5),
    eos_token_id: z.number().int().default(2),
    projection_dim: positiveInt.default(512),
  })
  .loose();

export type ClipTextConfigJson = z.input<typeof clipTextConfigSchema>;

export interface ClipTextConfig {
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
  heads: number;
  maxPositions: number;
  hiddenAct: 'quick_gelu' | 'gelu';
  layerNormEps: number;
  /** CLIPTextModelWithProjection's text_projection width (the pooled text embedding; 1280 in SDXL). */
  projectionDim: number;
  /**
   * Which token's hidden state becomes pooler_output. transformers: eos_token_id == 2 (the
   * value in SD1.x/2.x configs, a legacy of the original CLIP configs) means "the position of
   * the largest token id" (the EOS token has the largest id in CLIP's vocabulary); any other
   * value means "the first position holding eos_token_id".
   */
  pooling: { kind: 'argmax_token_id' } | { kind: 'first_eos'; eosTokenId: number };
}

/** `model` names the pipeline part in errors (SDXL has two text encoders). */
export function parseClipTextConfig(json: unknown, model: 'text_encoder' | 'text_encoder_2' = 'text_encoder'): ClipTextConfig {
  const parsed = clipTextConfigSchema.safeParse(json);
  if (!parsed.success) throw configErrorFromIssues(model, parsed.error.issues);
  const raw = parsed.data;
  if (raw.hidden_size % raw.num_attention_heads !== 0) {
    throw modelConfigError(model, 'num_attention_heads', `= ${raw.num_attention_heads} does not divide hidden_size ${raw.hidden_size}`);
  }
  return {
    vocabSize: raw.vocab_size,
    hiddenSize: raw.hidden_size,
    intermediateSize: raw.intermediate_size,
    layers: raw.num_hidden_layers,
    heads: raw.num_attention_heads,
    maxPositions: raw.max_position_embeddings,
    hiddenAct: raw.hidden_act,
    layerNormEps: raw.layer_norm_eps,
    projectionDim: raw.projection_dim,
    pooling: raw.eos_token_id === 2 ? { kind: 'argmax_token_id' } : { kind: 'first_eos', eosTokenId: raw.eos_token_id },
  };
}
