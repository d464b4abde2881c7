/**
 * Test-size architectures in the original layout for the import tests (SD 1.x, SD 2.x, SDXL
 * flavours), and the diffusers configs a converter must derive for them — written here by hand
 * from the architecture, as diffusers' configs for the full-size models read.
 */
import { hfClipTensors, ldmUNetTensors, ldmVaeTensors, openClipTensors, type StoredTensor, type TextSpec, type VaeSpec } from '../../reference/ldm-checkpoint-layout.js';

export const TEST_VAE: VaeSpec = { ch: 32, chMult: [1, 2], numResBlocks: 1, zChannels: 4, inChannels: 3, outChannels: 3 };
export const TEST_TEXT: TextSpec = { vocab: 1000, positions: 77, width: 64, layers: 2, intermediate: 96 };

export const VAE_CONFIG = {
  in_channels: 3,
  out_channels: 3,
  down_block_types: ['DownEncoderBlock2D', 'DownEncoderBlock2D'],
  up_block_types: ['UpDecoderBlock2D', 'UpDecoderBlock2D'],
  block_out_channels: [32, 64],
  layers_per_block: 1,
  latent_channels: 4,
  norm_num_groups: 32,
};

/** Stored tensors per component; `textEncoder2` only for SDXL. */
export interface Layout {
  unet: StoredTensor[];
  vae: StoredTensor[];
  textEncoder: StoredTensor[];
  textEncoder2?: StoredTensor[];
}

export const allTensors = (layout: Layout): StoredTensor[] => [...layout.unet, ...layout.vae, ...layout.textEncoder, ...(layout.textEncoder2 ?? [])];

export function sd1Layout(): Layout {
  return {
    unet: ldmUNetTensors({ inChannels: 4, outChannels: 4, modelChannels: 32, channelMult: [1, 2, 2], numResBlocks: 2, depth: [1, 1, 0], midDepth: 1, contextDim: 64, linearProjection: false }),
    vae: ldmVaeTensors(TEST_VAE),
    textEncoder: hfClipTensors('cond_stage_model.transformer.', TEST_TEXT),
  };
}

export const SD1_CONFIGS = {
  unet: {
    in_channels: 4,
    out_channels: 4,
    down_block_types: ['CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'DownBlock2D'],
    up_block_types: ['UpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D'],
    block_out_channels: [32, 64, 64],
    layers_per_block: 2,
    cross_attention_dim: 64,
    attention_head_dim: 8,
  },
  textEncoder: { vocab_size: 1000, hidden_size: 64, intermediate_size: 96, num_hidden_layers: 2, num_attention_heads: 1, hidden_act: 'quick_gelu' },
  vae: VAE_CONFIG,
};

/** SD 2.x flavour: OpenCLIP with one stored layer more than the encoder uses, linear proj_in, 64-channel heads, one resnet per level. */
export function sd2Layout(): Layout {
  return {
    unet: ldmUNetTensors({ inChannels: 4, outChannels: 4, modelChannels: 64, channelMult: [1, 2], numResBlocks: 1, depth: [1, 0], midDepth: 1, contextDim: 64, linearProjection: true }),
    vae: ldmVaeTensors(TEST_VAE),
    textEncoder: openClipTensors('cond_stage_model.model.', { ...TEST_TEXT, layers: 3 }, { keptLayers: 2 }),
  };
}

export const SD2_CONFIGS = {
  unet: {
    in_channels: 4,
    out_channels: 4,
    down_block_types: ['CrossAttnDownBlock2D', 'DownBlock2D'],
    up_block_types: ['UpBlock2D', 'CrossAttnUpBlock2D'],
    block_out_channels: [64, 128],
    layers_per_block: 1,
    cross_attention_dim: 64,
    attention_head_dim: [1, 2],
    use_linear_projection: true,
    upcast_attention: true,
  },
  textEncoder: { vocab_size: 1000, hidden_size: 64, intermediate_size: 96, num_hidden_layers: 2, num_attention_heads: 1, hidden_act: 'gelu' },
  vae: VAE_CONFIG,
};

/** SDXL flavour: no attention at the first level, deeper transformers below, label_emb, two text encoders. */
export function sdxlLayout(): Layout {
  return {
    unet: ldmUNetTensors({ inChannels: 4, outChannels: 4, modelChannels: 64, channelMult: [1, 2, 2], numResBlocks: 2, depth: [0, 1, 2], midDepth: 2, contextDim: 128, linearProjection: true, admInChannels: 6 * 256 + 32 }),
    vae: ldmVaeTensors(TEST_VAE),
    textEncoder: hfClipTensors('conditioner.embedders.0.transformer.', TEST_TEXT),
    textEncoder2: openClipTensors('conditioner.embedders.1.model.', TEST_TEXT, { keptLayers: 2, projection: 32 }),
  };
}

export const SDXL_CONFIGS = {
  unet: {
    in_channels: 4,
    out_channels: 4,
    down_block_types: ['DownBlock2D', 'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D'],
    up_block_types: ['CrossAttnUpBlock2D', 'CrossAttnUpBlock2D', 'UpBlock2D'],
    block_out_channels: [64, 128, 128],
    layers_per_block: 2,
    transformer_layers_per_block: [1, 1, 2],
    cross_attention_dim: 128,
    attention_head_dim: [1, 2, 2],
    use_linear_projection: true,
    addition_embed_type: 'text_time',
    addition_time_embed_dim: 256,
    projection_class_embeddings_input_dim: 6 * 256 + 32,
  },
  textEncoder: { vocab_size: 1000, hidden_size: 64, intermediate_size: 96, num_hidden_layers: 2, num_attention_heads: 1, hidden_act: 'quick_gelu' },
  textEncoder2: { vocab_size: 1000, hidden_size: 64, intermediate_size: 96, num_hidden_layers: 2, num_attention_heads: 1, hidden_act: 'gelu', projection_dim: 32 },
  vae: { ...VAE_CONFIG, scaling_factor: 0.13025 },
};
