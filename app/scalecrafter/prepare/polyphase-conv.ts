/**
 * A k×k convolution with dilation d chosen at run time (an int64 tensor), by space-to-batch:
 * ONNX fixes Conv's `dilations` at graph-build time, but a conv dilated by d and padded by d·r
 * (r = (k − 1)/2) reads, for output i = d·a + φ, only inputs of the same phase φ:
 *
 *   y[d·a + φ] = Σ_k w[k] · x[d·(a + k − r) + φ] = conv_{dilation 1, pad r}(x_φ)[a],  x_φ[m] = x[d·m + φ]
 *
 * so splitting x into its d×d phase images (Reshape/Transpose into the batch), running the
 * conv as trained (dilation 1, pad r) and interleaving the phases back gives the dilated conv
 * exactly (the same products; only the summation order may differ). The input is zero-padded at the end to a
 * multiple of d (those zeros are exactly the conv's own zero padding) and the result cropped back.
 * Stride 2 (downsamplers): the stride-1 result at every second position, which is the strided
 * conv's definition (output ceil(H/2) with pad d·r).
 */
import type { GraphBuilder, Value } from '../../onnx/graph-builder.js';
import * as op from '../../onnx/ops.js';
import { mod, pad } from './onnx-ops-extension.js';

export interface PolyphaseConvSpec {
  /** [N, C, H, W] */
  readonly input: Value;
  /** [O, C, k, k] */
  readonly weight: Value;
  readonly bias: Value | null;
  /** int64 [1]: d ≥ 1 */
  readonly dilation: Value;
  /** r = (k − 1)/2 of `weight`'s kernel */
  readonly kernelRadius: number;
  readonly stride: number;
}

/** Elements [from, to) of a 1-D int64 tensor. */
export function sliceVector(g: GraphBuilder, vector: Value, from: number, to: number): Value {
  return op.slice(g, vector, op.constantInt64(g, [from]), op.constantInt64(g, [to]), null, null);
}

/** What splitting an image into its d×d phase images needs to know to put the result back. */
export interface PhaseGeometry {
  /** int64 [1]: N */
  readonly batch: Value;
  /** int64 [2]: H, W of the image before splitting */
  readonly size: Value;
  /** int64 [1]: d */
  readonly dilation: Value;
}

/** (d − H mod d) mod d per axis: the zeros after the last row (column) that make H a multiple of d. */
const paddingToMultiple = (g: GraphBuilder, { size, dilation: d }: PhaseGeometry) => mod(g, op.sub(g, d, mod(g, size, d)), d);

/** ceil(size / d) per axis: the phase images' height and width (int64 [2]). */
const phaseSizeOf = (g: GraphBuilder, geometry: PhaseGeometry, extra: Value) => op.div(g, op.add(g, geometry.size, extra), geometry.dilation);

/** [N, C, H, W] → [N·d², C, ceil(H/d), ceil(W/d)]: the d×d phase images of `input` in the batch. */
export function splitPhases(g: GraphBuilder, input: Value, geometry: PhaseGeometry): Value {
  const { batch, dilation: d } = geometry;
  const channels = sliceVector(g, op.shape(g, input), 1, 2);
  const extra = paddingToMultiple(g, geometry);
  const padded = pad(g, input, op.concat(g, [op.constantInt64(g, [0, 0, 0, 0, 0, 0]), extra], { axis: 0 }));
  const phaseSize = phaseSizeOf(g, geometry, extra);
  const phaseHeight = sliceVector(g, phaseSize, 0, 1);
  const phaseWidth = sliceVector(g, phaseSize, 1, 2);
  // [N, C, Hq·d, Wq·d] → [N, C, Hq, d, Wq, d] → [N, d, d, C, Hq, Wq] → [N·d², C, Hq, Wq]
  let phases = op.reshape(g, padded, op.concat(g, [batch, channels, phaseHeight, d, phaseWidth, d], { axis: 0 }));
  phases = op.transpose(g, phases, { perm: [0, 3, 5, 1, 2, 4] });
  return op.reshape(g, phases, op.concat(g, [op.constantInt64(g, [-1]), channels, phaseHeight, phaseWidth], { axis: 0 }));
}

/**
 * The inverse of splitPhases for a conv's output over the phase images ([N·d², O, Hq, Wq], dilation
 * 1, pad r): interleaved back and cropped to the image's size, sampled every `stride` pixels.
 */
export function mergePhases(g: GraphBuilder, convolved: Value, geometry: PhaseGeometry, stride: number): Value {
  const { batch, size, dilation: d } = geometry;
  const phaseSize = phaseSizeOf(g, geometry, paddingToMultiple(g, geometry));
  const phaseHeight = sliceVector(g, phaseSize, 0, 1);
  const phaseWidth = sliceVector(g, phaseSize, 1, 2);
  // [N·d², O, Hq, Wq] → [N, d, d, O, Hq, Wq] → [N, O, Hq, d, Wq, d] → [N, O, Hq·d, Wq·d]
  let merged = op.reshape(g, convolved, op.concat(g, [batch, d, d, op.constantInt64(g, [-1]), phaseHeight, phaseWidth], { axis: 0 }));
  merged = op.transpose(g, merged, { perm: [0, 3, 4, 1, 5, 2] });
  // Reshape's 0 keeps that dimension of the input (N and O here).
  merged = op.reshape(g, merged, op.concat(g, [op.constantInt64(g, [0, 0]), op.mul(g, phaseSize, d)], { axis: 0 }));
  const strides = op.constantInt64(g, [stride, stride]);
  return op.slice(g, merged, op.constantInt64(g, [0, 0]), size, op.constantInt64(g, [2, 3]), strides);
}

/** The dilated conv of `spec` → [N, O, ceil(H/stride), ceil(W/stride)]. */
export function polyphaseDilatedConv(g: GraphBuilder, spec: PolyphaseConvSpec): Value {
  const shape = op.shape(g, spec.input);
  const geometry: PhaseGeometry = { batch: sliceVector(g, shape, 0, 1), size: sliceVector(g, shape, 2, 4), dilation: spec.dilation };
  const r = spec.kernelRadius;
  const convolved = op.conv(g, splitPhases(g, spec.input, geometry), spec.weight, spec.bias, { pads: [r, r, r, r] });
  return mergePhases(g, convolved, geometry, spec.stride);
}
