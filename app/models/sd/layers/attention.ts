/**
 * diffusers' Attention module (attention_processor.py, AttnProcessor2_0) on token sequences
 * [B, S, C]: to_q / to_k / to_v Linear projections, scaled dot-product attention over `heads`
 * heads with scale 1/√head_dim, then to_out.0 (Linear with bias; to_out.1 is dropout).
 * The attention itself is com.microsoft.MultiHeadAttention with unpacked q/k/v — the form the
 * WebGPU EP runs with FlashAttention (docs/onnxruntime-findings.md).
 */
import type { Value } from '../../../onnx/graph-builder.js';
import { cast, multiHeadAttention } from '../../../onnx/ops.js';
import { inModule, type LayerContext } from './layer-context.js';
import { linear } from './linear.js';

export interface AttentionShape {
  queryDim: number;
  /** Channels of the key/value source: queryDim for self-attention, the text width for cross-attention. */
  keyValueDim: number;
  heads: number;
  headDim: number;
  /** Bias on to_q/to_k/to_v (false in the UNet, true in the VAE's mid-block attention). */
  projectionBias: boolean;
  /**
   * Compute the attention in float32 even in a float16 graph: diffusers' upcast_attention
   * (SD2.1) / upcast_softmax (VAE) keep Q·Kᵀ and the softmax in float32 because float16
   * overflows there. Here q, k, v are cast to float32 around the MultiHeadAttention node.
   */
  upcast: boolean;
}

/** Attention in the current module scope; `context` null means self-attention. */
export function attention(ctx: LayerContext, hidden: Value, context: Value | null, shape: AttentionShape): Value {
  const inner = shape.heads * shape.headDim;
  const bias = { bias: shape.projectionBias };
  const source = context ?? hidden;
  let q = inModule(ctx, 'to_q', () => linear(ctx, hidden, shape.queryDim, inner, bias));
  let k = inModule(ctx, 'to_k', () => linear(ctx, source, shape.keyValueDim, inner, bias));
  let v = inModule(ctx, 'to_v', () => linear(ctx, source, shape.keyValueDim, inner, bias));
  const upcast = shape.upcast && ctx.dtype === 'float16';
  if (upcast) [q, k, v] = [q, k, v].map((x) => cast(ctx.g, x, { to: 'float32' })) as [Value, Value, Value];
  let attended = multiHeadAttention(ctx.g, q, k, v, { numHeads: shape.heads, scale: 1 / Math.sqrt(shape.headDim) });
  if (upcast) attended = cast(ctx.g, attended, { to: 'float16' });
  return inModule(ctx, 'to_out.0', () => linear(ctx, attended, inner, shape.queryDim));
}
