/** torch.nn.Conv2d (with bias) in the current module scope: weight [out, in, k, k], bias [out]. */
import type { Value } from '../../../onnx/graph-builder.js';
import { conv } from '../../../onnx/ops.js';
import { parameter, type LayerContext } from './layer-context.js';

export interface Conv2dOptions {
  stride?: number;
  /** [top, left, bottom, right]; default (k - 1) / 2 on every side ("same" for odd k, stride 1). */
  pads?: [number, number, number, number];
}

export function conv2d(ctx: LayerContext, x: Value, inChannels: number, outChannels: number, kernel: number, options: Conv2dOptions = {}): Value {
  const weight = parameter(ctx, 'weight', [outChannels, inChannels, kernel, kernel]);
  const bias = parameter(ctx, 'bias', [outChannels]);
  const half = (kernel - 1) / 2;
  const stride = options.stride ?? 1;
  return conv(ctx.g, x, weight, bias, {
    kernelShape: [kernel, kernel],
    strides: [stride, stride],
    pads: options.pads ?? [half, half, half, half],
    dilations: [1, 1],
  });
}
