/**
 * A stride-1 candidate conv re-dilated through its own gated main Conv, so the CPU EP runs it with
 * the NCHWc kernel and the conv's weights are read in one layout only. Before the main Conv, its
 * input is resized (fractional pf) and split into its d×d phase images (polyphase-conv.ts); after
 * it, the phases are interleaved back, cropped and resized to the conv's output size: the
 * re-dilation operator of redilated-conv-branch.ts, with the dilated conv done by space-to-batch.
 *
 * Why: ONNX Runtime gives the main Conv an NCHWc-reordered copy of its weight, and a branch conv
 * reading the weight from the outer graph keeps the original alive beside it. For the fp32
 * SD 1.5 UNet that was 2 GiB of weights held twice during re-dilated runs
 * (bench/unet-memory-startup.ts). The dispersed kernel (R·W) still needs the original layout,
 * so dispersed runs take redilated-conv-branch.ts, as do stride-2 convs.
 */
import { TensorDataType } from '../../onnx/data-type.js';
import type { GraphBuilder, Value } from '../../onnx/graph-builder.js';
import * as op from '../../onnx/ops.js';
import type { CandidateConv } from './conv-candidates.js';
import { controlAt, CONTROL_VALUES } from './control-values.js';
import { castToCode } from './onnx-ops-extension.js';
import { mergePhases, sliceVector, splitPhases, type PhaseGeometry } from './polyphase-conv.js';
import { operatorGeometry, resizeUnlessSameSize, type BranchContext, type OperatorGeometry } from './redilated-conv-branch.js';
import type { OuterValue } from './subgraph.js';

/** The operator's geometry for `conv` and the phase split of its resized input. */
function geometryOf(g: GraphBuilder, outer: OuterValue, conv: CandidateConv, index: number): { operator: OperatorGeometry; phases: PhaseGeometry } {
  const x = outer(conv.input);
  const operator = operatorGeometry(g, x, controlAt(g, outer(CONTROL_VALUES.effectiveDilation), index));
  const int64 = (value: Value) => castToCode(g, value, TensorDataType.INT64);
  const phases: PhaseGeometry = {
    batch: sliceVector(g, op.shape(g, x), 0, 1),
    size: int64(operator.convInputSize),
    dilation: op.unsqueeze(g, int64(operator.dilation), op.constantInt64(g, [0])),
  };
  return { operator, phases };
}

/** The main Conv's input when `conv` is re-dilated: [N·d², C, ceil(H1/d), ceil(W1/d)] (H1 × W1: resized). */
export function phaseInput(g: GraphBuilder, outer: OuterValue, conv: CandidateConv, index: number, context: BranchContext): Value {
  const { operator, phases } = geometryOf(g, outer, conv, index);
  const resized = resizeUnlessSameSize(g, outer(conv.input), operator.convInputSize, { ...context, scope: [...context.scope, 'input'] });
  return splitPhases(g, resized, phases);
}

/** The re-dilated conv's output from the main Conv's output over the phase images: [N, O, H, W]. */
export function phaseOutput(g: GraphBuilder, outer: OuterValue, conv: CandidateConv, index: number, mainOutput: string, context: BranchContext): Value {
  const { operator, phases } = geometryOf(g, outer, conv, index);
  const merged = mergePhases(g, outer(mainOutput), phases, 1);
  return resizeUnlessSameSize(g, merged, operator.sizeReal, { ...context, scope: [...context.scope, 'output'] });
}
