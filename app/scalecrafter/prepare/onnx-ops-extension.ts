// ONNX op helpers the graph preparation needs and app/onnx/ops.ts does not have (yet): same
// convention as ops.ts — inputs positional, attributes named, signatures after the operator spec
// (https://onnx.ai/onnx/operators/). Every op here exists from opset 13 on with these inputs,
// which is the oldest opset a prepared model may have (prepare-unet.ts checks).
import { TensorDataType } from '../../onnx/data-type.js';
import type { GraphBuilder, Value } from '../../onnx/graph-builder.js';
import type { OnnxGraph } from '../../onnx/model.js';

function single(g: GraphBuilder, opType: string, inputs: readonly Value[]): Value {
  return g.node(opType, inputs)[0]!;
}

/** Pad (constant mode, zeros); `pads` int64 [2·rank]: all begins, then all ends. */
export const pad = (g: GraphBuilder, x: Value, pads: Value): Value => single(g, 'Pad', [x, pads]);
/** Integer remainder with the sign of the divisor (fmod = 0). */
export const mod = (g: GraphBuilder, a: Value, b: Value): Value => single(g, 'Mod', [a, b]);
export const ceil = (g: GraphBuilder, x: Value): Value => single(g, 'Ceil', [x]);
export const floor = (g: GraphBuilder, x: Value): Value => single(g, 'Floor', [x]);
/** Round half to even, as Python's round() (onnx Round: "rounds halfway cases to the nearest even integer"). */
export const round = (g: GraphBuilder, x: Value): Value => single(g, 'Round', [x]);
export const equal = (g: GraphBuilder, a: Value, b: Value): Value => single(g, 'Equal', [a, b]);
/** Cast to any TensorProto.DataType code (ops.cast covers only the builder's types; this one also does DOUBLE). */
export function castToCode(g: GraphBuilder, x: Value, to: number): Value {
  return g.node('Cast', [x], { to: { int: to } })[0]!;
}
/** ReduceMin over every axis, keepdims 0: a scalar (no `axes` works the same in opsets 13 and 18). */
export function reduceMinAll(g: GraphBuilder, x: Value): Value {
  return g.node('ReduceMin', [x], { keepdims: { int: 0 } })[0]!;
}

/** If: `condition` is a one-element bool tensor; both branches have the same number of outputs. */
export function ifThenElse(g: GraphBuilder, condition: Value, thenBranch: OnnxGraph, elseBranch: OnnxGraph): Value[] {
  return g.node('If', [condition], { then_branch: { graph: thenBranch }, else_branch: { graph: elseBranch } }, { outputs: thenBranch.output.length });
}

/** A float64 Constant, 0-D for one value, 1-D for several (the builder's constant() has no float64). */
export function constantFloat64(g: GraphBuilder, ...values: number[]): Value {
  const tensor = { dims: values.length === 1 ? [] : [values.length], dataType: TensorDataType.DOUBLE, rawData: new Uint8Array(Float64Array.from(values).buffer) };
  return g.node('Constant', [], { value: { tensor } })[0]!;
}
