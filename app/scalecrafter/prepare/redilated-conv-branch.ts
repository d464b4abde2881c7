/**
 * The "on" branch of a prepared conv: the re-dilation operator of SCALECRAFTER.md §1 with the
 * conv's dilation factor pf and dispersion flag read from the control inputs at run time,
 * following the reference's ReDilateConvProcessor (and redilation-geometry.ts, its TS twin):
 *
 *   plain 3×3:      d = ceil(pf),   f = d/pf,        kernel W,     pad d
 *   dispersed 5×5:  d = ceil(pf/2), f = d/(pf/2),    kernel R·W,   pad 2d   (the reference halves pf)
 *   x1 = bilinear(x, round(H·f), round(W·f));  y = conv(x1, stride, dilation d);  out = bilinear(y, ⌊H/s⌋, ⌊W/s⌋)
 *
 * Sizes are computed in float64 from the float32 pf, so round(H·f) is Python's round(H * (d / pf))
 * whenever pf is a float32 value (every preset's 2, 2.5, 3, 4 is); ONNX Round rounds halves to
 * even, as Python does. A resize whose target equals its input size (always, for integer pf) is
 * skipped by an If, not run as an identity interpolation. The conv itself is polyphase-conv.ts,
 * so any integer d works without a branch per d.
 */
import { TensorDataType } from '../../onnx/data-type.js';
import type { GraphBuilder, Value } from '../../onnx/graph-builder.js';
import type { OnnxGraph } from '../../onnx/model.js';
import * as op from '../../onnx/ops.js';
import type { DispersionTransformParams } from '../dispersion-transform.js';
import type { CandidateConv } from './conv-candidates.js';
import { and as _unused, castToCode, ceil, equal, ifThenElse, reduceMinAll, round } from './onnx-ops-extension.js';
import { polyphaseDilatedConv, sliceVector } from './polyphase-conv.js';
import { DILATION_INPUT, DISPERSION_INPUT } from './prepared-unet-format.js';
import { buildBranch, type OuterValue } from './subgraph.js';

export interface RedilatedBranchSpec {
  readonly conv: CandidateConv;
  /** the conv's position in the control vectors */
  readonly index: number;
  /** node-name scope of the branch, e.g. ['down_blocks.1', 'resnets.0', 'conv1', 'Conv', 'scalecrafter', 'on'] */
  readonly scope: readonly string[];
  readonly opset: number;
  /** name of the float32 [K², k²] initializer R and the parameters it was solved for */
  readonly transform: { readonly name: string; readonly params: DispersionTransformParams };
  readonly outputName: string;
}

interface Context {
  readonly scope: readonly string[];
  readonly opset: number;
}

/** A unique value name for a branch output made in `scope`. */
const branchOutputName = (scope: readonly string[], label: string) => `/${[...scope, label].join('/')}`;

/** `x` resized (bilinear, align_corners = false) to `size` (int64 [2]), or `x` itself when it already has that size. */
function resizeUnlessSameSize(g: GraphBuilder, x: Value, size: Value, context: Context): Value {
  const shape = op.shape(g, x);
  const sameSize = op.cast(g, reduceMinAll(g, op.cast(g, equal(g, sliceVector(g, shape, 2, 4), size), { to: 'int64' })), { to: 'bool' });
  const sizes = op.concat(g, [sliceVector(g, shape, 0, 2), size], { axis: 0 });
  const keepScope = [...context.scope, 'keep'];
  const resizeScope = [...context.scope, 'resize'];
  const keep = buildBranch({
    graphName: 'keep', scope: keepScope, opset: context.opset,
    body: (b, outer) => [{ value: op.identity(b, outer(x.name)), name: branchOutputName(keepScope, 'output'), type: 'float32' }],
  });
  const resized = buildBranch({
    graphName: 'resize', scope: resizeScope, opset: context.opset,
    // half_pixel, not pytorch_half_pixel: PyTorch's align_corners=False kernel uses the half-pixel
    // formula for every output size, while ONNX's pytorch_half_pixel maps an output of size 1 to
    // source 0 (a 3×3 stride-2 conv on 2- or 3-pixel rows resizes to 1). test/reference/resampling.ts.
    body: (b, outer) => [{
      value: op.resize(b, outer(x.name), null, null, outer(sizes.name), { mode: 'linear', coordinateTransformationMode: 'half_pixel' }),
      name: branchOutputName(resizeScope, 'output'),
      type: 'float32',
    }],
  });
  return ifThenElse(g, sameSize, fixOutputTypes(keep, x), fixOutputTypes(resized, x))[0]!;
}
