/**
 * The per-conv control vectors, computed once in the main graph from the two control inputs —
 * in float64 on purpose: the WebGPU execution provider has no float64 kernels, so ONNX Runtime
 * runs every op on these values on the CPU, where the `If` nodes read their conditions. Computed in
 * float32 or bool they landed on WebGPU, and every `If` then copied its condition back to the
 * host, stalling the GPU queue once per gated conv (ORT verbose log: MemcpyToHost before each
 * gate). ORT's CPU-placement heuristic (fallback_cpu_capability.cc) cannot help inside If
 * branches: there, values from the outer graph never count as CPU tensors. So every op that
 * reads a control value, up to the If condition, takes a float64 input. (The CUDA EP has float64
 * kernels; this placement argument holds for WebGPU, the EP this project ships.) float64 also
 * gives the geometry Python's arithmetic (redilated-conv-branch.ts): the dilation input itself is
 * float64, so pf = 1.6 is the same double as the reference's 1.6 (a float32 input held 1.60000002,
 * and round(14 · 2/1.60000002) = 17 where Python's round(14 · 2/1.6) = round(17.5) = 18).
 */
import { TensorDataType } from '../../onnx/data-type.js';
import type { GraphBuilder, Value } from '../../onnx/graph-builder.js';
import * as op from '../../onnx/ops.js';
import { castToCode, constantFloat64, equal } from './onnx-ops-extension.js';
import { DILATION_INPUT, DISPERSION_INPUT } from './prepared-unet-format.js';
import { buildPiece, type GraphPiece } from './subgraph.js';

export const CONTROL_VALUES = {
  /** float64 [numConvs]: 1 where dilation is 1 and the conv is not dispersed (it runs as trained), else 0 */
  off: 'scalecrafter/off',
  /** float64 [numConvs]: the dilation the operator uses, pf (3×3) or pf/2 (dispersed 5×5, as the reference halves it) */
  effectiveDilation: 'scalecrafter/effective_dilation',
  /** float64 [numConvs]: 1 where dispersed, else 0 */
  dispersed: 'scalecrafter/dispersed',
} as const;

export function controlValuesPiece(opset: number): GraphPiece {
  return buildPiece({
    graphName: 'control_values', scope: ['scalecrafter'], opset,
    body: (g, outer) => {
      const dilation = outer(DILATION_INPUT);
      const dispersed = castToCode(g, outer(DISPERSION_INPUT), TensorDataType.DOUBLE);
      const isDispersed = equal(g, dispersed, constantFloat64(g, 1));
      // (dilation == 1) · (1 − dispersed), kept in float64 (an And of bools would run on the GPU).
      const plainDilation = castToCode(g, equal(g, dilation, constantFloat64(g, 1)), TensorDataType.DOUBLE);
      const off = op.mul(g, plainDilation, op.sub(g, constantFloat64(g, 1), dispersed));
      const effective = op.where(g, isDispersed, op.mul(g, dilation, constantFloat64(g, 0.5)), dilation);
      return [
        { value: off, name: CONTROL_VALUES.off, type: 'float64' },
        { value: effective, name: CONTROL_VALUES.effectiveDilation, type: 'float64' },
        { value: dispersed, name: CONTROL_VALUES.dispersed, type: 'float64' },
      ];
    },
  });
}

/** Element `index` of a control vector: a float64 0-D tensor, on the CPU. */
export function controlAt(g: GraphBuilder, vector: Value, index: number): Value {
  return op.gather(g, vector, op.constant(g, 'int64', [], BigInt64Array.of(BigInt(index))), { axis: 0 });
}

/** Element `index` of a 0/1 control vector as an If condition (the Cast from float64 stays on the CPU). */
export function controlFlagAt(g: GraphBuilder, vector: Value, index: number): Value {
  return op.cast(g, controlAt(g, vector, index), { to: 'bool' });
}
