/** Elementwise activations as the op sequences torch exports them to (and ORT runs on every EP). */
import type { Value } from '../../../onnx/graph-builder.js';
import { gelu, mul, sigmoid } from '../../../onnx/ops.js';
import { floatConstant, type LayerContext } from './layer-context.js';

/** SiLU / swish: x · σ(x). */
export function silu(ctx: LayerContext, x: Value): Value {
  return mul(ctx.g, x, sigmoid(ctx.g, x));
}

/** transformers' QuickGELUActivation (CLIP): x · σ(1.702 x). */
export function quickGelu(ctx: LayerContext, x: Value): Value {
  return mul(ctx.g, x, sigmoid(ctx.g, mul(ctx.g, x, floatConstant(ctx, [], Float32Array.of(1.702)))));
}

/** Exact (erf) GELU, torch.nn.functional.gelu's default: ONNX Gelu-20. */
export function geluErf(ctx: LayerContext, x: Value): Value {
  return gelu(ctx.g, x);
}
