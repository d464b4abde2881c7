/**
 * transformers' CLIPEncoderLayer (modeling_clip.py), pre-LayerNorm with residuals:
 *   h = x + out_proj(causal_attention(q_proj, k_proj, v_proj of layer_norm1(x)))
 *   y = h + fc2(act(fc1(layer_norm2(h))))        act = quick_gelu (SD1) or gelu (SD2)
 * CLIPAttention scales q by head_dim^-0.5, the text model masks causally: MultiHeadAttention's
 * `unidirectional` does both without a mask tensor (checked on the CPU and WebGPU EPs).
 */
import type { Value } from '../../../onnx/graph-builder.js';
import { add, multiHeadAttention } from '../../../onnx/ops.js';
import { geluErf, quickGelu } from './activations.js';
import { inModule, type LayerContext } from './layer-context.js';
import { linear } from './linear.js';
import { layerNorm } from './normalization.js';

export interface ClipEncoderLayerShape {
  hiddenSize: number;
  intermediateSize: number;
  heads: number;
  hiddenAct: 'quick_gelu' | 'gelu';
  layerNormEps: number;
}

export function clipEncoderLayer(ctx: LayerContext, x: Value, shape: ClipEncoderLayerShape): Value {
  const { g } = ctx;
  const d = shape.hiddenSize;
  const normed = inModule(ctx, 'layer_norm1', () => layerNorm(ctx, x, d, shape.layerNormEps));
  const attended = inModule(ctx, 'self_attn', () => {
    const q = inModule(ctx, 'q_proj', () => linear(ctx, normed, d, d));
    const k = inModule(ctx, 'k_proj', () => linear(ctx, normed, d, d));
    const v = inModule(ctx, 'v_proj', () => linear(ctx, normed, d, d));
    const mixed = multiHeadAttention(g, q, k, v, { numHeads: shape.heads, scale: 1 / Math.sqrt(d / shape.heads), unidirectional: 1 });
    return inModule(ctx, 'out_proj', () => linear(ctx, mixed, d, d));
  });
  const h = add(g, x, attended);
  const normed2 = inModule(ctx, 'layer_norm2', () => layerNorm(ctx, h, d, shape.layerNormEps));
  const mlp = inModule(ctx, 'mlp', () => {
    const hidden = inModule(ctx, 'fc1', () => linear(ctx, normed2, d, shape.intermediateSize));
    const activated = shape.hiddenAct === 'quick_gelu' ? quickGelu(ctx, hidden) : geluErf(ctx, hidden);
    return inModule(ctx, 'fc2', () => linear(ctx, activated, shape.intermediateSize, d));
  });
  return add(g, h, mlp);
}
