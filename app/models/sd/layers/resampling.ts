/** diffusers' Downsample2D and Upsample2D with use_conv=True (resnet.py / downsampling.py / upsampling.py). */
import type { Value } from '../../../onnx/graph-builder.js';
import { concat, constant, resize, shape } from '../../../onnx/ops.js';
import { conv2d } from './conv2d.js';
import { inModule, type LayerContext } from './layer-context.js';

/**
 * 3×3 stride-2 conv "conv". padding 1 (the UNet's downsample_padding) pads every side; padding 0
 * (the VAE encoder) pads only right and bottom by one (diffusers does F.pad(x, (0, 1, 0, 1))
 * before an unpadded conv — the same as asymmetric Conv pads).
 */
export function downsample2D(ctx: LayerContext, x: Value, channels: number, padding: number): Value {
  const pads: [number, number, number, number] = padding === 0 ? [0, 0, 1, 1] : [padding, padding, padding, padding];
  return inModule(ctx, 'conv', () => conv2d(ctx, x, channels, channels, 3, { stride: 2, pads }));
}

/**
 * Nearest-neighbour upsampling then a 3×3 conv "conv". `sizeLike` given: upsample to that
 * tensor's H×W (the UNet passes the next skip tensor, which is what diffusers' forward does with
 * `upsample_size` when the input is not a multiple of 2^levels — and equals 2× when it is);
 * null: exactly 2× (the VAE decoder). torch "nearest" picks source index floor(dst · in/out):
 * Resize nearest with asymmetric coordinates and floor rounding.
 */
export function upsample2D(ctx: LayerContext, x: Value, channels: number, sizeLike: Value | null): Value {
  const { g } = ctx;
  const nearest = { mode: 'nearest', coordinateTransformationMode: 'asymmetric', nearestMode: 'floor' } as const;
  let upsampled: Value;
  if (sizeLike === null) {
    upsampled = resize(g, x, null, constant(g, 'float32', [4], Float32Array.of(1, 1, 2, 2)), null, nearest);
  } else {
    const sizes = concat(g, [shape(g, x, { start: 0, end: 2 }), shape(g, sizeLike, { start: 2, end: 4 })], { axis: 0 });
    upsampled = resize(g, x, null, null, sizes, nearest);
  }
  return inModule(ctx, 'conv', () => conv2d(ctx, upsampled, channels, channels, 3));
}
