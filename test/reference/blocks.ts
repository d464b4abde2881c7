/**
 * Independent plain-loop references of the Stable Diffusion building blocks, written from diffusers
 * and transformers (PyTorch) semantics — never from this project's ONNX builders. Each takes
 * (params keyed by FULL parameter names, prefix, config, inputs).
 */
export { resnetBlock2D, downsample2D, upsample2D, type ResnetBlockConfig } from './resnet-block.js';
export {
  attentionModule,
  feedForward,
  basicTransformerBlock,
  transformer2DModel,
  type AttentionModuleConfig,
  type Transformer2DConfig,
  TRANSFORMER_LAYER_NORM_EPS,
  TRANSFORMER_GROUP_NORM_EPS,
} from './transformer.js';
export { clipEncoderLayer, clipTextModel, type ClipTextConfig, type ClipTextOutput } from './clip-text-model.js';
export { vaeAttentionBlock, vaeMidBlock, vaeEncoder, vaeDecoder, type AutoencoderKLConfig, VAE_NORM_EPS } from './vae.js';
export { unetDownBlock, unetMidBlock, unetUpBlock, type UNetBlockConfig, type BlockContext } from './unet-blocks.js';
export { unet2DConditionModel, type UNet2DConditionConfig } from './unet.js';
