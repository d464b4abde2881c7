// Thin op helpers whose signatures mirror the ONNX operator spec (https://onnx.ai/onnx/operators/):
// inputs positional (null = omitted optional input), attributes named. Attribute defaults are
// left to the spec: an attribute that is not given is not written.
import { dataTypeCode, type OnnxDataType } from './data-type.js';
import { createTensor, type AttributeValue, type GraphBuilder, type TensorData, type Value } from './graph-builder.js';

type Attributes = Record<string, AttributeValue | undefined>;

function defined(attributes: Attributes): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined)) as Record<string, AttributeValue>;
}
const int = (value: number | undefined) => (value === undefined ? undefined : { int: value });
const ints = (values: readonly number[] | undefined) => (values === undefined ? undefined : { ints: values });
const float = (value: number | undefined) => (value === undefined ? undefined : { float: value });
const string = (value: string | undefined) => (value === undefined ? undefined : { string: value });

function single(g: GraphBuilder, opType: string, inputs: ReadonlyArray<Value | null>, attributes: Attributes = {}, domain?: string): Value {
  const [output] = g.node(opType, inputs, defined(attributes), domain ? { domain } : {});
  return output!;
}

// --- convolution, pooling and normalization -----------------------------------------------------

export interface ConvAttributes {
  dilations?: number[];
  strides?: number[];
  /** [top, left, bottom, right] for 2-D */
  pads?: number[];
  group?: number;
  kernelShape?: number[];
  autoPad?: 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';
}

export function conv(g: GraphBuilder, x: Value, w: Value, b: Value | null, a: ConvAttributes = {}): Value {
  return single(g, 'Conv', b ? [x, w, b] : [x, w], {
    dilations: ints(a.dilations), strides: ints(a.strides), pads: ints(a.pads), group: int(a.group),
    kernel_shape: ints(a.kernelShape), auto_pad: string(a.autoPad),
  });
}

export function instanceNormalization(g: GraphBuilder, x: Value, scale: Value, bias: Value, a: { epsilon?: number } = {}): Value {
  return single(g, 'InstanceNormalization', [x, scale, bias], { epsilon: float(a.epsilon) });
}

/** LayerNormalization-17; returns Y only. */
export function layerNormalization(g: GraphBuilder, x: Value, scale: Value, bias: Value | null, a: { axis?: number; epsilon?: number; stashType?: number } = {}): Value {
  return single(g, 'LayerNormalization', bias ? [x, scale, bias] : [x, scale], {
    axis: int(a.axis), epsilon: float(a.epsilon), stash_type: int(a.stashType),
  });
}

export interface AveragePoolAttributes {
  kernelShape: number[];
  strides?: number[];
  /** [top, left, bottom, right] for 2-D */
  pads?: number[];
  countIncludePad?: number;
  ceilMode?: number;
}

export function averagePool(g: GraphBuilder, x: Value, a: AveragePoolAttributes): Value {
  return single(g, 'AveragePool', [x], {
    kernel_shape: ints(a.kernelShape), strides: ints(a.strides), pads: ints(a.pads),
    count_include_pad: int(a.countIncludePad), ceil_mode: int(a.ceilMode),
  });
}

// --- linear algebra and elementwise ------------------------------------------------------------

export const matMul = (g: GraphBuilder, a: Value, b: Value): Value => single(g, 'MatMul', [a, b]);

export function gemm(g: GraphBuilder, a: Value, b: Value, c: Value | null, attrs: { alpha?: number; beta?: number; transA?: number; transB?: number } = {}): Value {
  return single(g, 'Gemm', c ? [a, b, c] : [a, b], {
    alpha: float(attrs.alpha), beta: float(attrs.beta), transA: int(attrs.transA), transB: int(attrs.transB),
  });
}

export const add = (g: GraphBuilder, a: Value, b: Value): Value => single(g, 'Add', [a, b]);
export const sub = (g: GraphBuilder, a: Value, b: Value): Value => single(g, 'Sub', [a, b]);
export const mul = (g: GraphBuilder, a: Value, b: Value): Value => single(g, 'Mul', [a, b]);
export const div = (g: GraphBuilder, a: Value, b: Value): Value => single(g, 'Div', [a, b]);
export const where = (g: GraphBuilder, condition: Value, x: Value, y: Value): Value => single(g, 'Where', [condition, x, y]);
export const sin = (g: GraphBuilder, x: Value): Value => single(g, 'Sin', [x]);
export const cos = (g: GraphBuilder, x: Value): Value => single(g, 'Cos', [x]);
export const sigmoid = (g: GraphBuilder, x: Value): Value => single(g, 'Sigmoid', [x]);
export const identity = (g: GraphBuilder, x: Value): Value => single(g, 'Identity', [x]);
export const relu = (g: GraphBuilder, x: Value): Value => single(g, 'Relu', [x]);

/** Gelu-20 (exact erf form unless approximate = 'tanh'). Needs opset >= 20. */
export function gelu(g: GraphBuilder, x: Value, a: { approximate?: 'none' | 'tanh' } = {}): Value {
  if (g.opset < 20) throw new Error(`Gelu needs opset >= 20; graph '${g.graphName}' uses opset ${g.opset}`);
  return single(g, 'Gelu', [x], { approximate: string(a.approximate) });
}

export function reduceMean(g: GraphBuilder, x: Value, axes: Value | null, a: { keepdims?: number; noopWithEmptyAxes?: number } = {}): Value {
  return single(g, 'ReduceMean', axes ? [x, axes] : [x], { keepdims: int(a.keepdims), noop_with_empty_axes: int(a.noopWithEmptyAxes) });
}

// --- attention (com.microsoft contrib op) ------------------------------------------------------

export interface MultiHeadAttentionAttributes {
  numHeads: number;
  /** default 1/sqrt(head_size) */
  scale?: number;
  maskFilterValue?: number;
  unidirectional?: number;
}

/**
 * com.microsoft.MultiHeadAttention with unpacked query [B,S,C], key [B,L,C], value [B,L,Cv];
 * returns [B,S,Cv]. Unpacked q/k/v is the form ORT's WebGPU EP runs (packed QKV fails there).
 */
export function multiHeadAttention(g: GraphBuilder, query: Value, key: Value, value: Value, a: MultiHeadAttentionAttributes): Value {
  return single(g, 'MultiHeadAttention', [query, key, value], {
    num_heads: int(a.numHeads), scale: float(a.scale), mask_filter_value: float(a.maskFilterValue), unidirectional: int(a.unidirectional),
  }, 'com.microsoft');
}

// --- shapes ------------------------------------------------------------------------------------

export function reshape(g: GraphBuilder, x: Value, shape: Value, a: { allowzero?: number } = {}): Value {
  return single(g, 'Reshape', [x, shape], { allowzero: int(a.allowzero) });
}

export function transpose(g: GraphBuilder, x: Value, a: { perm?: number[] } = {}): Value {
  return single(g, 'Transpose', [x], { perm: ints(a.perm) });
}

export function concat(g: GraphBuilder, inputs: readonly Value[], a: { axis: number }): Value {
  return single(g, 'Concat', inputs, { axis: int(a.axis) });
}

/** Split-18; give `split` sizes or `numOutputs` equal parts. */
export function split(g: GraphBuilder, x: Value, sizes: Value | null, a: { axis?: number; numOutputs: number }): Value[] {
  return g.node('Split', sizes ? [x, sizes] : [x], defined({ axis: int(a.axis), num_outputs: sizes ? undefined : int(a.numOutputs) }), { outputs: a.numOutputs });
}

export function slice(g: GraphBuilder, data: Value, starts: Value, ends: Value, axes: Value | null, steps: Value | null): Value {
  const inputs = steps ? [data, starts, ends, axes, steps] : axes ? [data, starts, ends, axes] : [data, starts, ends];
  return single(g, 'Slice', inputs);
}

export function gather(g: GraphBuilder, data: Value, indices: Value, a: { axis?: number } = {}): Value {
  return single(g, 'Gather', [data, indices], { axis: int(a.axis) });
}

export function shape(g: GraphBuilder, x: Value, a: { start?: number; end?: number } = {}): Value {
  return single(g, 'Shape', [x], { start: int(a.start), end: int(a.end) });
}

export const unsqueeze = (g: GraphBuilder, x: Value, axes: Value): Value => single(g, 'Unsqueeze', [x, axes]);
export const expand = (g: GraphBuilder, x: Value, shapeValue: Value): Value => single(g, 'Expand', [x, shapeValue]);

export function cast(g: GraphBuilder, x: Value, a: { to: OnnxDataType }): Value {
  return single(g, 'Cast', [x], { to: int(dataTypeCode(a.to)) });
}

export interface ResizeAttributes {
  mode?: 'nearest' | 'linear' | 'cubic';
  /** bilinear as torch align_corners=false: 'pytorch_half_pixel' (docs/scalecrafter-method.md §1) */
  coordinateTransformationMode?: 'half_pixel' | 'pytorch_half_pixel' | 'align_corners' | 'asymmetric' | 'tf_crop_and_resize' | 'half_pixel_symmetric';
  nearestMode?: 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil';
  cubicCoeffA?: number;
  excludeOutside?: number;
  antialias?: number;
  axes?: number[];
  keepAspectRatioPolicy?: 'stretch' | 'not_larger' | 'not_smaller';
  extrapolationValue?: number;
}

/** Resize-19: give either `scales` (float32) or `sizes` (int64), the other null. */
export function resize(g: GraphBuilder, x: Value, roi: Value | null, scales: Value | null, sizes: Value | null, a: ResizeAttributes = {}): Value {
  const inputs = sizes ? [x, roi, scales, sizes] : scales ? [x, roi, scales] : roi ? [x, roi] : [x];
  return single(g, 'Resize', inputs, {
    mode: string(a.mode), coordinate_transformation_mode: string(a.coordinateTransformationMode),
    nearest_mode: string(a.nearestMode), cubic_coeff_a: float(a.cubicCoeffA), exclude_outside: int(a.excludeOutside),
    antialias: int(a.antialias), axes: ints(a.axes), keep_aspect_ratio_policy: string(a.keepAspectRatioPolicy),
    extrapolation_value: float(a.extrapolationValue),
  });
}

// --- constants ---------------------------------------------------------------------------------

/** A Constant node holding `data` (float16 accepts a Float32Array and converts it). */
export function constant(g: GraphBuilder, type: OnnxDataType, dims: readonly number[], data: TensorData): Value {
  // Constant's value tensor is anonymous: the node's output carries the name.
  const tensor = createTensor('', type, dims, data);
  delete tensor.name;
  return single(g, 'Constant', [], { value: { tensor } });
}

/** 1-D int64 constant, the usual shape/axes/starts operand. */
export function constantInt64(g: GraphBuilder, values: ReadonlyArray<number | bigint>): Value {
  return constant(g, 'int64', [values.length], BigInt64Array.from(values, (item) => BigInt(item)));
}

/** 0-D (scalar) constant of a float or int type. */
export function constantScalar(g: GraphBuilder, type: 'float32' | 'float16' | 'int32' | 'int64', value: number): Value {
  if (type === 'int64') return constant(g, type, [], BigInt64Array.of(BigInt(value)));
  if (type === 'int32') return constant(g, type, [], Int32Array.of(value));
  return constant(g, type, [], Float32Array.of(value));
}
