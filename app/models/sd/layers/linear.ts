/** torch.nn.Linear on the last axis: y = x·Wᵀ + b, as MatMul (+ Add), in the current module scope. */
import type { Value } from '../../../onnx/graph-builder.js';
import { add, matMul } from '../../../onnx/ops.js';
import { linearWeightTransposed, parameter, type LayerContext } from './layer-context.js';

export function linear(ctx: LayerContext, x: Value, inFeatures: number, outFeatures: number, options: { bias: boolean } = { bias: true }): Value {
  const product = matMul(ctx.g, x, linearWeightTransposed(ctx, outFeatures, inFeatures));
  return options.bias ? add(ctx.g, product, parameter(ctx, 'bias', [outFeatures])) : product;
}
