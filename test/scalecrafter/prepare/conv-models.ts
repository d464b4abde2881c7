/**
 * Small graphs for the preparation tests: one 3×3 conv at a diffusers module path, and the
 * reference re-dilation operator composed from the independent naive ops of test/reference, in
 * the order the ScaleCrafter reference's ReDilateConvProcessor runs them.
 */
import { GraphBuilder } from '../../../app/onnx/graph-builder.js';
import type { OnnxModel } from '../../../app/onnx/model.js';
import * as op from '../../../app/onnx/ops.js';
import { fromFloat16, toFloat16 } from '../../../app/runtime/float16.js';
import type { HostTensor } from '../../../app/runtime/host-tensor.js';
import { computeDispersionTransform, DEFAULT_DISPERSION_PARAMS, disperseConvWeights } from '../../../app/scalecrafter/dispersion-transform.js';
import { DILATION_INPUT, DISPERSION_INPUT } from '../../../app/scalecrafter/prepare/prepared-unet-format.js';
import { bilinearResize, conv2d } from '../../reference/ops.js';
import { NdArray, randn } from '../../reference/ndarray.js';
import { referenceRedilationSizes, type ReferenceRedilationSizes } from '../../reference/redilation-sizes.js';

// Dawn (WebGPU EP) warns without a writable runtime dir (docs/onnxruntime-findings.md).
process.env.XDG_RUNTIME_DIR ||= '/tmp';

export type FloatType = 'float32' | 'float16';

/** A conv's parameters as the references take them. */
export interface ConvParams {
  weight: NdArray;
  bias: NdArray;
  stride: number;
}

export interface SingleConv extends ConvParams {
  model: OnnxModel;
}

/** x [batch, in, h, w] → the conv at `modulePath` (3×3, pad 1, `stride`) → y. Weights from `seed`. */
export function singleConvModel(options: { modulePath: string; stride: number; inChannels: number; outChannels: number; dtype?: FloatType; seed: number }): SingleConv {
  const dtype = options.dtype ?? 'float32';
  const { inChannels, outChannels, stride } = options;
  let weight = randn([outChannels, inChannels, 3, 3], options.seed, 0.3);
  let bias = randn([outChannels], options.seed + 1, 0.2);
  if (dtype === 'float16') {
    weight = roundedToFloat16(weight);
    bias = roundedToFloat16(bias);
  }
  const g = new GraphBuilder({ graphName: 'single-conv' });
  const x = g.input('x', dtype, ['batch', inChannels, 'height', 'width']);
  const segments = options.modulePath.split('.').reduce<string[]>((parts, piece) => {
    // "down_blocks.0.resnets.1.conv1" → scopes "down_blocks.0", "resnets.1", "conv1"
    if (/^\d+$/.test(piece)) parts[parts.length - 1] += `.${piece}`;
    else parts.push(piece);
    return parts;
  }, []);
  const enter = (depth: number): ReturnType<typeof op.conv> =>
    depth === segments.length
      ? op.conv(g, x, g.initializer(`${options.modulePath}.weight`, dtype, weight.shape, weight.data), g.initializer(`${options.modulePath}.bias`, dtype, bias.shape, bias.data), {
          pads: [1, 1, 1, 1], strides: [stride, stride],
        })
      : g.withScope(segments[depth]!, () => enter(depth + 1));
  g.output(enter(0), 'y', dtype, ['batch', outChannels, 'out_height', 'out_width']);
  return { model: g.build(), weight, bias, stride };
}

export function roundedToFloat16(x: NdArray): NdArray {
  return new NdArray([...x.shape], fromFloat16(toFloat16(x.data)));
}

export function floatFeed(x: NdArray, dtype: FloatType): HostTensor {
  return dtype === 'float16' ? { type: 'float16', data: toFloat16(x.data), dims: [...x.shape] } : { type: 'float32', data: x.data, dims: [...x.shape] };
}

export function toNdArray(tensor: HostTensor): NdArray {
  const data = tensor.type === 'float16' ? fromFloat16(tensor.data as Uint16Array) : tensor.data;
  if (!(data instanceof Float32Array)) throw new TypeError(`expected a float tensor, got ${tensor.type}`);
  return new NdArray([...tensor.dims], data);
}

/** The two control inputs for `dilations` / `dispersed` (one entry per prepared conv). */
export function controlFeeds(dilations: readonly number[], dispersed: readonly boolean[] = dilations.map(() => false)): Record<string, HostTensor> {
  return {
    [DILATION_INPUT]: { type: 'float64', data: Float64Array.from(dilations), dims: [dilations.length] },
    [DISPERSION_INPUT]: { type: 'bool', data: Uint8Array.from(dispersed, (flag) => (flag ? 1 : 0)), dims: [dispersed.length] },
  };
}

export const REFERENCE_TRANSFORM = computeDispersionTransform(DEFAULT_DISPERSION_PARAMS);

export interface ReferenceGeometry extends ReferenceRedilationSizes {
  readonly kernelSize: 3 | 5;
}

/**
 * The reference's sizes for a 3×3 conv re-dilated by pf (or dispersed to 5×5 with pf/2, as the
 * reference halves it), on an input of height × width (test/reference/redilation-sizes.ts).
 */
export function referenceGeometry(height: number, width: number, pf: number, dispersed: boolean, stride: number): ReferenceGeometry {
  const kernelSize = dispersed ? 5 : 3;
  return { kernelSize, ...referenceRedilationSizes(height, width, dispersed ? pf / 2 : pf, kernelSize, stride) };
}

/**
 * The reference's ReDilateConvProcessor.forward for one conv (docs/scalecrafter-method.md §1, §3): pf = 1 and
 * not dispersed is the plain conv; otherwise d = ceil(pf') and f = d/pf' with pf' = pf (3×3) or
 * pf/2 (dispersed 5×5 kernel R·W), bilinear to round(H·f), conv with dilation d and padding
 * d·(1 + (k − 3)/2), bilinear to ⌊H/stride⌋ — each resize only when the size changes.
 */
export function referenceRedilatedConv(x: NdArray, conv: ConvParams, pf: number, dispersed: boolean): NdArray {
  const [, , height, width] = x.shape as [number, number, number, number];
  const { stride } = conv;
  if (pf === 1 && !dispersed) return conv2d(x, conv.weight, conv.bias, { stride, padding: 1 });
  const [outChannels, inChannels] = conv.weight.shape as [number, number];
  const kernel = dispersed
    ? new NdArray([outChannels, inChannels, 5, 5], disperseConvWeights(REFERENCE_TRANSFORM, conv.weight.data, outChannels, inChannels))
    : conv.weight;
  const geometry = referenceGeometry(height, width, pf, dispersed, stride);
  const [inH, inW] = geometry.input;
  const resized = inH === height && inW === width ? x : bilinearResize(x, inH, inW);
  const y = conv2d(resized, kernel, conv.bias, { stride, padding: geometry.padding, dilation: geometry.dilation });
  const [outH, outW] = geometry.output;
  return y.shape[2] === outH && y.shape[3] === outW ? y : bilinearResize(y, outH, outW);
}
