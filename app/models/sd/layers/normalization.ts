/**
 * GroupNorm and LayerNorm in the forms that run on both the CPU and WebGPU EPs (docs/onnxruntime-findings.md):
 * GroupNorm as Reshape → InstanceNormalization → Reshape → Mul → Add (what torch.onnx exports;
 * com.microsoft.GroupNorm has no WebGPU kernel), LayerNorm as LayerNormalization-17.
 */
import type { Value } from '../../../onnx/graph-builder.js';
import { add, constantInt64, instanceNormalization, layerNormalization, mul, reshape, shape } from '../../../onnx/ops.js';
import { floatConstant, parameter, type LayerContext } from './layer-context.js';

/**
 * torch.nn.GroupNorm(groups, channels, eps, affine=True) on [N, C, …] in the current module scope.
 * Normalising [N, G, C/G·H·W] per (n, g) row is exactly InstanceNormalization with unit scale;
 * the per-channel affine comes after. weight/bias are stored as [C, 1, 1] (torch's [C] values)
 * so they broadcast over NCHW without an Unsqueeze.
 */
export function groupNorm(ctx: LayerContext, x: Value, channels: number, groups: number, eps: number): Value {
  const { g } = ctx;
  const grouped = reshape(g, x, constantInt64(g, [0, groups, -1]));
  const normalised = instanceNormalization(
    g,
    grouped,
    floatConstant(ctx, [groups], new Float32Array(groups).fill(1)),
    floatConstant(ctx, [groups], new Float32Array(groups)),
    { epsilon: eps },
  );
  const restored = reshape(g, normalised, shape(g, x));
  const weight = parameter(ctx, 'weight', [channels], [channels, 1, 1]);
  const bias = parameter(ctx, 'bias', [channels], [channels, 1, 1]);
  return add(g, mul(g, restored, weight), bias);
}

/** torch.nn.LayerNorm(dim, eps) over the last axis, in the current module scope. */
export function layerNorm(ctx: LayerContext, x: Value, dim: number, eps: number): Value {
  return layerNormalization(ctx.g, x, parameter(ctx, 'weight', [dim]), parameter(ctx, 'bias', [dim]), { axis: -1, epsilon: eps });
}
