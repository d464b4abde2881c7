/**
 * The "on" branch of a dispersed or stride-2 prepared conv (stride-1 convs re-dilate through
 * their main Conv: main-conv-redilation.ts, which shares the geometry below): the re-dilation operator of docs/scalecrafter-method.md §1 with the
 * conv's dilation factor pf and dispersion flag read from the control inputs at run time,
 * following the reference's ReDilateConvProcessor (and redilation-geometry.ts, its TS twin):
 *
 *   plain 3×3:      d = ceil(pf),   f = d/pf,       kernel W,     pad d
 *   dispersed 5×5:  d = ceil(pf/2), f = d/(pf/2),   kernel R·W,   pad 2d   (the reference halves pf)
 *   x1 = bilinear(x, round(H·f), round(W·f));  y = conv(x1, stride, dilation d);  out = bilinear(y, ⌊H/s⌋, ⌊W/s⌋)
 *
 * Sizes are computed in float64 from the float64 pf, with the reference's operations in its order
 * (f = d / pf, then H·f), so round(H·f) is Python's round(H * (d / pf)) for every pf; ONNX Round
 * rounds halves to even, as Python does. A resize whose target equals its input size (always, for integer pf) is
 * skipped by an If, not run as an identity interpolation. Geometry and resizes are shared by both
 * kernels; only the conv splits on the dispersion flag (kernelConv).
 */
import { TensorDataType } from '../../onnx/data-type.js';
import type { GraphBuilder, Value } from '../../onnx/graph-builder.js';
import type { OnnxGraph } from '../../onnx/model.js';
import * as op from '../../onnx/ops.js';
import type { DispersionTransformParams } from '../dispersion-transform.js';
import type { CandidateConv, ConvElementType } from './conv-candidates.js';
import { castToCode, ceil, constantFloat64, equal, floor, ifThenElse, reduceMinAll, round } from './onnx-ops-extension.js';
import { sliceVector } from './polyphase-conv.js';
import { controlAt, controlFlagAt, CONTROL_VALUES } from './control-values.js';
import { runtimeDilatedConv } from './runtime-dilated-conv.js';
import { buildBranch, type OuterValue } from './subgraph.js';

export interface DispersionTransformInput {
  /** name of the float32 [K², k²] initializer R */
  readonly name: string;
  readonly params: DispersionTransformParams;
}

export interface RedilatedBranchSpec {
  readonly conv: CandidateConv;
  /** the conv's position in the control vectors */
  readonly index: number;
  /** node-name scope of the branch, e.g. ['down_blocks.1', 'resnets.0', 'conv1', 'Conv', 'scalecrafter', 'select', 'on'] */
  readonly scope: readonly string[];
  readonly opset: number;
  readonly transform: DispersionTransformInput;
  readonly outputName: string;
  /** only ever run dispersed (stride-1 convs re-dilate through their main Conv otherwise): no 3×3 kernel path */
  readonly dispersedOnly?: boolean;
}

export interface BranchContext {
  readonly scope: readonly string[];
  readonly opset: number;
  readonly type: ConvElementType;
}

/** A value name for a branch output made in `scope` (node names are unique, so these are too). */
const branchOutputName = (scope: readonly string[], label: string) => `/${[...scope, label].join('/')}`;

export interface OperatorGeometry {
  /** d = ceil(pf): float64 scalar, integer-valued */
  readonly dilation: Value;
  /** H, W of the conv's input: float64 [2] */
  readonly sizeReal: Value;
  /** round(H·d/pf), round(W·d/pf): the size the input is resized to before the conv (float64 [2]) */
  readonly convInputSize: Value;
}

/** The operator's sizes for input `x` and effective dilation `pf` (a float64 scalar). */
export function operatorGeometry(g: GraphBuilder, x: Value, pf: Value): OperatorGeometry {
  const dilation = ceil(g, pf);
  const factor = op.div(g, dilation, pf);
  const sizeReal = castToCode(g, sliceVector(g, op.shape(g, x), 2, 4), TensorDataType.DOUBLE);
  return { dilation, sizeReal, convInputSize: round(g, op.mul(g, sizeReal, factor)) };
}

/**
 * `x` resized (bilinear, align_corners = false) to `size` (float64 [2], integer-valued), or `x`
 * itself when it already has that size. The comparison runs in float64, on the CPU, where the If
 * reads it (control-values.ts).
 */
export function resizeUnlessSameSize(g: GraphBuilder, x: Value, size: Value, context: BranchContext): Value {
  const shape = op.shape(g, x);
  const current = castToCode(g, sliceVector(g, shape, 2, 4), TensorDataType.DOUBLE);
  const sameSize = op.cast(g, reduceMinAll(g, castToCode(g, equal(g, current, size), TensorDataType.DOUBLE)), { to: 'bool' });
  const sizes = op.concat(g, [sliceVector(g, shape, 0, 2), op.cast(g, size, { to: 'int64' })], { axis: 0 });
  const keepScope = [...context.scope, 'keep'];
  const resizeScope = [...context.scope, 'resize'];
  const keep = buildBranch({
    graphName: 'keep', scope: keepScope, opset: context.opset,
    body: (b, outer) => [{ value: op.identity(b, outer(x.name)), name: branchOutputName(keepScope, 'output'), type: context.type }],
  });
  const resized = buildBranch({
    graphName: 'resize', scope: resizeScope, opset: context.opset,
    // half_pixel, not pytorch_half_pixel: PyTorch's align_corners=False kernel uses the half-pixel
    // formula for every output size, while ONNX's pytorch_half_pixel maps an output of size 1 to
    // source 0 (a 3×3 stride-2 conv on 2- or 3-pixel rows resizes to 1). test/reference/resampling.ts.
    body: (b, outer) => [{
      value: op.resize(b, outer(x.name), null, null, outer(sizes.name), { mode: 'linear', coordinateTransformationMode: 'half_pixel' }),
      name: branchOutputName(resizeScope, 'output'),
      type: context.type,
    }],
  });
  return ifThenElse(g, sameSize, keep, resized)[0]!;
}

/**
 * W_K = R · W_k per (out, in) kernel (dispersion-transform.ts' disperseConvWeights), computed
 * here, inside the dispersed branch only, so the off path neither computes nor stores it.
 * float16 weights are dispersed in float32 and rounded once.
 *
 * The first op on W takes the dispersion flag (1 in this branch, float64) as a run-time input:
 * on constants alone ONNX Runtime's constant folding computed R·W for every conv when the session
 * was created and kept it (measured: 2.8× the conv weights added to the session's memory).
 */
function dispersedKernel(g: GraphBuilder, weight: Value, transform: Value, flag: Value, params: DispersionTransformParams, type: ConvElementType): Value {
  const small = params.smallKernelSize;
  const large = params.largeKernelSize;
  // float64 until the final Cast, so the shape arithmetic stays on the CPU (control-values.ts).
  const shape2d = op.cast(g, op.mul(g, constantFloat64(g, -1, small * small), flag), { to: 'int64' });
  const kernels = op.reshape(g, weight, shape2d);
  const kernels32 = type === 'float16' ? op.cast(g, kernels, { to: 'float32' }) : kernels;
  // [O·I, k²] · Rᵀ = [O·I, K²]
  const dispersed = op.gemm(g, kernels32, transform, null, { transB: 1 });
  const shape = op.concat(g, [sliceVector(g, op.shape(g, weight), 0, 2), op.constantInt64(g, [large, large])], { axis: 0 });
  const reshaped = op.reshape(g, dispersed, shape);
  return type === 'float16' ? op.cast(g, reshaped, { to: 'float16' }) : reshaped;
}

/** A conv of the operator on `io.input` at dilation `io.dilation` (float64 scalar, integer-valued). */
type KernelConv = (b: GraphBuilder, outer: OuterValue, io: { input: Value; dilation: Value }, scope: readonly string[]) => Value;

/**
 * The conv at the run-time dilation d (runtime-dilated-conv.ts), with static Convs for the
 * dilations the kernel meets in the reference configurations: 3×3 at d = 2, 3, 4; 5×5 at d = 1, 2.
 */
function kernelConvOf(spec: RedilatedBranchSpec, context: BranchContext, kernel: 'plain' | 'dispersed'): KernelConv {
  const { conv } = spec;
  const { params } = spec.transform;
  const [kernelSize, staticDilations] = kernel === 'dispersed' ? [params.largeKernelSize, [1, 2]] : [3, [2, 3, 4]];
  return (b, outer, io, scope) => runtimeDilatedConv(b, {
    input: io.input,
    weight: kernel === 'dispersed'
      ? dispersedKernel(b, outer(conv.weight), outer(spec.transform.name), controlAt(b, outer(CONTROL_VALUES.dispersed), spec.index), params, conv.elementType)
      : outer(conv.weight),
    bias: conv.bias === undefined ? null : outer(conv.bias),
    dilation: io.dilation,
    kernelRadius: (kernelSize - 1) / 2,
    stride: conv.stride,
  }, { ...context, scope, staticDilations });
}

/** The conv of the operator: If(dispersed) → the 5×5 kernel R·W, else W (only R·W for a dispersedOnly spec). */
function kernelConv(g: GraphBuilder, outer: OuterValue, spec: RedilatedBranchSpec, inputs: { input: Value; dispersed: Value; dilation: Value }, context: BranchContext): Value {
  const dispersed = kernelConvOf(spec, context, 'dispersed');
  if (spec.dispersedOnly) return dispersed(g, outer, inputs, [...context.scope, 'dispersed']);
  const asBranch = (label: string, kernel: KernelConv): OnnxGraph => {
    const scope = [...context.scope, label];
    return buildBranch({
      graphName: label, scope, opset: context.opset,
      body: (b, o) => [{ value: kernel(b, o, { input: o(inputs.input.name), dilation: o(inputs.dilation.name) }, scope), name: branchOutputName(scope, 'output'), type: context.type }],
    });
  };
  return ifThenElse(g, inputs.dispersed, asBranch('dispersed', dispersed), asBranch('plain_kernel', kernelConvOf(spec, context, 'plain')))[0]!;
}

/** The If branch that computes the conv with the run-time dilation and dispersion of control `index`. */
export function buildRedilatedConvBranch(spec: RedilatedBranchSpec): OnnxGraph {
  const { conv } = spec;
  const context: BranchContext = { scope: spec.scope, opset: spec.opset, type: conv.elementType };
  return buildBranch({
    graphName: 'redilated_conv',
    scope: spec.scope,
    opset: spec.opset,
    body: (g, outer) => {
      // float64 scalars, so these ops run on the CPU (control-values.ts).
      const dispersed = controlFlagAt(g, outer(CONTROL_VALUES.dispersed), spec.index);
      const x = outer(conv.input);
      const { dilation, sizeReal, convInputSize } = operatorGeometry(g, x, controlAt(g, outer(CONTROL_VALUES.effectiveDilation), spec.index));
      const convInput = resizeUnlessSameSize(g, x, convInputSize, { ...context, scope: [...spec.scope, 'input'] });
      const convolved = kernelConv(g, outer, spec, { input: convInput, dispersed, dilation }, { ...context, scope: [...spec.scope, 'conv'] });
      const outputSize = floor(g, op.div(g, sizeReal, constantFloat64(g, conv.stride)));
      const y = resizeUnlessSameSize(g, convolved, outputSize, { ...context, scope: [...spec.scope, 'output'] });
      return [{ value: y, name: spec.outputName, type: conv.elementType }];
    },
  });
}
