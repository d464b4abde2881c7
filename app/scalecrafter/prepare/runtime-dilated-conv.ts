/**
 * A conv whose dilation d is a run-time int64: nested Ifs pick a Conv with that static dilation
 * for each d in the context's `staticDilations` (the dilations the reference configurations
 * use), and the polyphase conv (polyphase-conv.ts) takes every other d.
 *
 * Why not polyphase for every d: on ONNX Runtime's CPU EP the static dilated Conv measured
 * 1.5–2× faster than the space-to-batch form (whose Pad, two Transposes and Slice each copy the
 * tensor, and whose shape arithmetic adds ~25 small nodes); docs/scalecrafter-controls.md.
 */
import type { GraphBuilder, Value } from '../../onnx/graph-builder.js';
import type { OnnxGraph } from '../../onnx/model.js';
import * as op from '../../onnx/ops.js';
import type { ConvElementType } from './conv-candidates.js';
import { constantFloat64, equal, ifThenElse } from './onnx-ops-extension.js';
import { polyphaseDilatedConv, type PolyphaseConvSpec } from './polyphase-conv.js';
import { buildBranch } from './subgraph.js';

export interface RuntimeDilatedConvContext {
  readonly scope: readonly string[];
  readonly opset: number;
  readonly type: ConvElementType;
  /** dilations served by a static Conv (each adds an If and a Conv node to the graph) */
  readonly staticDilations: readonly number[];
}

export interface RuntimeDilatedConvSpec extends Omit<PolyphaseConvSpec, 'dilation'> {
  /** d as a float64 scalar: its comparisons then run on the CPU, where the Ifs read them (control-values.ts) */
  readonly dilation: Value;
}

/** `spec`'s conv at dilation `spec.dilation` → [N, O, ceil(H/stride), ceil(W/stride)]. */
export function runtimeDilatedConv(g: GraphBuilder, spec: RuntimeDilatedConvSpec, context: RuntimeDilatedConvContext): Value {
  return dilationCase(g, spec, context, 0);
}

/** If d == staticDilations[case]: the static Conv; else the next case (the polyphase conv after the last). */
function dilationCase(g: GraphBuilder, spec: RuntimeDilatedConvSpec, context: RuntimeDilatedConvContext, caseIndex: number): Value {
  const dilation = context.staticDilations[caseIndex];
  if (dilation === undefined) {
    const integer = op.unsqueeze(g, op.cast(g, spec.dilation, { to: 'int64' }), op.constantInt64(g, [0]));
    return polyphaseDilatedConv(g, { ...spec, dilation: integer });
  }
  const names = { input: spec.input.name, weight: spec.weight.name, bias: spec.bias?.name, dilation: spec.dilation.name };
  const branch = (label: string, body: (b: GraphBuilder, outer: (name: string) => Value) => Value): OnnxGraph => {
    const scope = [...context.scope, label];
    return buildBranch({
      graphName: label, scope, opset: context.opset,
      body: (b, outer) => [{ value: body(b, outer), name: `/${[...scope, 'output'].join('/')}`, type: context.type }],
    });
  };
  const padding = dilation * spec.kernelRadius;
  const staticConv = branch(`d${dilation}`, (b, outer) => op.conv(b, outer(names.input), outer(names.weight), names.bias === undefined ? null : outer(names.bias), {
    dilations: [dilation, dilation], pads: [padding, padding, padding, padding], strides: [spec.stride, spec.stride],
  }));
  const otherwise = branch(`beyond_d${dilation}`, (b, outer) => dilationCase(b, {
    ...spec,
    input: outer(names.input),
    weight: outer(names.weight),
    bias: names.bias === undefined ? null : outer(names.bias),
    dilation: outer(names.dilation),
  }, { ...context, scope: [...context.scope, `beyond_d${dilation}`] }, caseIndex + 1));
  const isThisDilation = equal(g, spec.dilation, constantFloat64(g, dilation));
  return ifThenElse(g, isThisDilation, staticConv, otherwise)[0]!;
}
