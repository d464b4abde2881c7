/**
 * Independent plain-loop implementations of the PyTorch operations Stable Diffusion uses, written
 * from the PyTorch documentation and ATen/diffusers semantics — never from this project's ONNX
 * builders — so they can serve as ground truth for them. Small tensors only.
 */
export { map, silu, geluErf, quickGelu, geglu, softmax, erf } from './activations.js';
export { groupNorm, layerNorm } from './normalization.js';
export { linear } from './linear.js';
export { conv2d, pad2d, type Conv2dOptions, type PerAxis } from './convolution.js';
export { upsampleNearest, upsampleNearest2x, bilinearResize } from './resampling.js';
export { attention, type AttentionOptions } from './attention.js';
export { timestepEmbedding, type TimestepEmbeddingOptions } from './timestep-embedding.js';
export { concat, add, nchwToTokens, tokensToNchw } from './tensor-layout.js';
