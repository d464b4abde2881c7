/**
 * config.json contents of well-known SD-architecture models, as diffusers / transformers write
 * them (runwayml/stable-diffusion-v1-5, stabilityai/stable-diffusion-2-1,
 * stabilityai/stable-diffusion-xl-base-1.0 — only the keys that shape the graph), and of the tiny
 * test-size pipelines this project ships (sizes of diffusers' own tiny test pipelines,
 * tests/pipelines/stable_diffusion and stable_diffusion_xl).
 */
import type { ClipTextConfigJson } from './clip-text-config.js';
import type { UNetConfigJson } from './unet-config.js';
import type { VaeConfigJson } from './vae-config.js';

export interface PipelineConfigs {
  unet: UNetConfigJson;
  textEncoder: ClipTextConfigJson;
  vae: VaeConfigJson;
}

const SD_VAE: VaeConfigJson = {
  in_channels: 3,
  out_channels: 3,
  down_block_types: ['DownEncoderBlock2D', 'DownEncoderBlock2D', 'DownEncoderBlock2D', 'DownEncoderBlock2D'],
  up_block_types: ['UpDecoderBlock2D', 'UpDecoderBlock2D', 'UpDecoderBlock2D', 'UpDecoderBlock2D'],
  block_out_channels: [128, 256, 512, 512],
  layers_per_block: 2,
  act_fn: 'silu',
  latent_channels: 4,
  norm_num_groups: 32,
  scaling_factor: 0.18215,
};

export const SD15_CONFIGS: PipelineConfigs = {
  unet: {
    in_channels: 4,
    out_channels: 4,
    sample_size: 64,
    flip_sin_to_cos: true,
    freq_shift: 0,
    down_block_types: ['CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'DownBlock2D'],
    up_block_types: ['UpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D'],
    block_out_channels: [320, 640, 1280, 1280],
    layers_per_block: 2,
    downsample_padding: 1,
    mid_block_scale_factor: 1,
    act_fn: 'silu',
    norm_num_groups: 32,
    norm_eps: 1e-5,
    cross_attention_dim: 768,
    attention_head_dim: 8,
  },
  textEncoder: {
    vocab_size: 49408,
    hidden_size: 768,
    intermediate_size: 3072,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    max_position_embeddings: 77,
    hidden_act: 'quick_gelu',
    layer_norm_eps: 1e-5,
    eos_token_id: 2,
  },
  vae: SD_VAE,
};

export const SD21_CONFIGS: PipelineConfigs = {
  unet: {
    ...SD15_CONFIGS.unet,
    sample_size: 96,
    cross_attention_dim: 1024,
    attention_head_dim: [5, 10, 20, 20],
    use_linear_projection: true,
    upcast_attention: true,
  },
  textEncoder: {
    vocab_size: 49408,
    hidden_size: 1024,
    intermediate_size: 4096,
    num_hidden_layers: 23,
    num_attention_heads: 16,
    max_position_embeddings: 77,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-5,
    eos_token_id: 2,
  },
  vae: SD_VAE,
};

export interface SdxlPipelineConfigs extends PipelineConfigs {
  /** CLIPTextModelWithProjection (OpenCLIP ViT-bigG in the real model). */
  textEncoder2: ClipTextConfigJson;
}

/** SDXL's VAE: the SD VAE architecture, retrained, with its own latent scale. */
const SDXL_VAE: VaeConfigJson = { ...SD_VAE, scaling_factor: 0.13025 };

/**
 * stabilityai/stable-diffusion-xl-base-1.0: no attention at the first level, 2 and 10 transformer
 * blocks below it (and 10 in the mid block), head size 64, the two text encoders' penultimate
 * states concatenated as the 2048-wide context, and the text_time micro-conditioning.
 */
export const SDXL_CONFIGS: SdxlPipelineConfigs = {
  unet: {
    in_channels: 4,
    out_channels: 4,
    sample_size: 128,
    flip_sin_to_cos: true,
    freq_shift: 0,
    down_block_types: ['DownBlock2D', 'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D'],
    up_block_types: ['CrossAttnUpBlock2D', 'CrossAttnUpBlock2D', 'UpBlock2D'],
    block_out_channels: [320, 640, 1280],
    layers_per_block: 2,
    downsample_padding: 1,
    mid_block_scale_factor: 1,
    act_fn: 'silu',
    norm_num_groups: 32,
    norm_eps: 1e-5,
    cross_attention_dim: 2048,
    attention_head_dim: [5, 10, 20],
    num_attention_heads: null,
    transformer_layers_per_block: [1, 2, 10],
    use_linear_projection: true,
    upcast_attention: null,
    addition_embed_type: 'text_time',
    addition_time_embed_dim: 256,
    projection_class_embeddings_input_dim: 2816,
  },
  textEncoder: { ...SD15_CONFIGS.textEncoder },
  textEncoder2: {
    vocab_size: 49408,
    hidden_size: 1280,
    intermediate_size: 5120,
    num_hidden_layers: 32,
    num_attention_heads: 20,
    max_position_embeddings: 77,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-5,
    eos_token_id: 2,
    projection_dim: 1280,
  },
  vae: SDXL_VAE,
};

/**
 * A test-size SDXL-architecture pipeline (diffusers' tests/pipelines/stable_diffusion_xl
 * sizes, three levels so the deepest has a 2-block transformer like SDXL's): the first level
 * without attention, text_time conditioning, two encoders whose penultimate states concatenate
 * to cross_attention_dim (32 + 32 = 64), the second with a projection to the pooled width.
 */
export function tinySdxlPipelineConfigs(vocabSize: number): SdxlPipelineConfigs {
  const sd = tinyPipelineConfigs(vocabSize);
  const pooledDim = 32;
  const timeEmbedDim = 8;
  return {
    unet: {
      in_channels: 4,
      out_channels: 4,
      sample_size: 32,
      down_block_types: ['DownBlock2D', 'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D'],
      up_block_types: ['CrossAttnUpBlock2D', 'CrossAttnUpBlock2D', 'UpBlock2D'],
      block_out_channels: [32, 32, 64],
      layers_per_block: 2,
      norm_num_groups: 32,
      cross_attention_dim: 64,
      attention_head_dim: [2, 2, 4],
      transformer_layers_per_block: [1, 1, 2],
      use_linear_projection: true,
      addition_embed_type: 'text_time',
      addition_time_embed_dim: timeEmbedDim,
      projection_class_embeddings_input_dim: pooledDim + 6 * timeEmbedDim,
    },
    textEncoder: { ...sd.textEncoder },
    textEncoder2: { ...sd.textEncoder, hidden_act: 'gelu', projection_dim: pooledDim },
    vae: { ...sd.vae, scaling_factor: 0.13025 },
  };
}

/** The default model's sizes; vocab_size is filled in from the generated tokenizer vocabulary. */
export function tinyPipelineConfigs(vocabSize: number): PipelineConfigs {
  return {
    unet: {
      in_channels: 4,
      out_channels: 4,
      sample_size: 32,
      down_block_types: ['DownBlock2D', 'CrossAttnDownBlock2D'],
      up_block_types: ['CrossAttnUpBlock2D', 'UpBlock2D'],
      block_out_channels: [32, 64],
      layers_per_block: 2,
      norm_num_groups: 32,
      cross_attention_dim: 32,
      attention_head_dim: [2, 4],
    },
    textEncoder: {
      vocab_size: vocabSize,
      hidden_size: 32,
      intermediate_size: 37,
      num_hidden_layers: 5,
      num_attention_heads: 4,
      max_position_embeddings: 77,
      hidden_act: 'quick_gelu',
      layer_norm_eps: 1e-5,
      eos_token_id: 2,
    },
    vae: {
      in_channels: 3,
      out_channels: 3,
      down_block_types: ['DownEncoderBlock2D', 'DownEncoderBlock2D', 'DownEncoderBlock2D', 'DownEncoderBlock2D'],
      up_block_types: ['UpDecoderBlock2D', 'UpDecoderBlock2D', 'UpDecoderBlock2D', 'UpDecoderBlock2D'],
      block_out_channels: [32, 32, 64, 64],
      layers_per_block: 1,
      latent_channels: 4,
      norm_num_groups: 32,
      scaling_factor: 0.18215,
    },
  };
}
