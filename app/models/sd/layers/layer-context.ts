/**
 * What every SD layer builder works with: the graph under construction, where parameters come
 * from, and the float type of weights and activations. Parameters are named after the current
 * module scope, so a layer built inside withScope('down_blocks.1') → withScope('resnets.0') asks
 * the WeightSource for "down_blocks.1.resnets.0.conv1.weight" and its nodes are named
 * "/down_blocks.1/resnets.0/conv1/Conv" — the names a torch export gives.
 */
import type { GraphBuilder, Value } from '../../../onnx/graph-builder.js';
import { constant } from '../../../onnx/ops.js';
import type { WeightSource } from '../../weights/weight-source.js';

export type FloatType = 'float32' | 'float16';

export interface LayerContext {
  readonly g: GraphBuilder;
  readonly weights: WeightSource;
  /** Element type of every weight and activation (timestep arithmetic stays float32 regardless). */
  readonly dtype: FloatType;
}

/** Runs `fn` inside the module scope `segment` ("conv1", "resnets.0", "to_out.0"). */
export function inModule<T>(ctx: LayerContext, segment: string, fn: () => T): T {
  return ctx.g.withScope(segment, fn);
}

/** The full parameter name of `leaf` ("weight", "bias") in the current module scope. */
export function parameterName(ctx: LayerContext, leaf: string): string {
  const path = ctx.g.modulePath;
  return path === '' ? leaf : `${path}.${leaf}`;
}

/**
 * A parameter of the current module as an initializer. `shape` is the torch shape asked of the
 * WeightSource; `storedDims` (same element count) reshapes it for broadcasting, e.g. a norm's
 * [C] stored as [C, 1, 1].
 */
export function parameter(ctx: LayerContext, leaf: string, shape: readonly number[], storedDims: readonly number[] = shape): Value {
  const name = parameterName(ctx, leaf);
  return ctx.g.initializer(name, ctx.dtype, storedDims, ctx.weights.tensor(name, shape));
}

/**
 * A torch Linear weight ([out, in]) stored transposed ([in, out]) so x·W is a plain MatMul.
 * The initializer is named "<parameter>.T" — what it holds — so no pass can mistake it for the
 * torch-layout tensor of the same parameter.
 */
export function linearWeightTransposed(ctx: LayerContext, outFeatures: number, inFeatures: number): Value {
  const name = parameterName(ctx, 'weight');
  const torchLayout = ctx.weights.tensor(name, [outFeatures, inFeatures]);
  const transposed = new Float32Array(torchLayout.length);
  for (let o = 0; o < outFeatures; o++) {
    for (let i = 0; i < inFeatures; i++) transposed[i * outFeatures + o] = torchLayout[o * inFeatures + i]!;
  }
  return ctx.g.initializer(`${name}.T`, ctx.dtype, [inFeatures, outFeatures], transposed);
}

/** A constant of the context's float type (scalars for Mul/Add, small tables). */
export function floatConstant(ctx: LayerContext, dims: readonly number[], values: Float32Array): Value {
  return constant(ctx.g, ctx.dtype, dims, values);
}
