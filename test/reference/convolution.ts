/**
 * torch.nn.functional.conv2d (groups = 1) and zero padding, as plain loops. Output size per axis:
 * floor((in + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1 (the formula in the
 * torch.nn.Conv2d docs).
 */
import { NdArray, zeros } from './ndarray.js';

export type PerAxis = number | [number, number];

export interface Conv2dOptions {
  stride?: PerAxis;
  padding?: PerAxis;
  dilation?: PerAxis;
}

export function conv2d(x: NdArray, weight: NdArray, bias: NdArray | undefined, options: Conv2dOptions = {}): NdArray {
  const [batch, inChannels, height, width] = x.shape as [number, number, number, number];
  const [outChannels, weightInChannels, kernelH, kernelW] = weight.shape as [number, number, number, number];
  if (x.shape.length !== 4 || weight.shape.length !== 4) throw new RangeError('conv2d: input and weight must be 4-D (NCHW, OIHW)');
  if (weightInChannels !== inChannels) throw new RangeError(`conv2d: weight expects ${weightInChannels} input channels, input has ${inChannels}`);
  if (bias !== undefined && bias.size !== outChannels) throw new RangeError(`conv2d: bias needs ${outChannels} values`);
  const [strideH, strideW] = perAxis(options.stride ?? 1);
  const [padH, padW] = perAxis(options.padding ?? 0);
  const [dilationH, dilationW] = perAxis(options.dilation ?? 1);
  const outH = Math.floor((height + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH) + 1;
  const outW = Math.floor((width + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW) + 1;
  if (outH <= 0 || outW <= 0) throw new RangeError(`conv2d: output would be ${outH}×${outW}`);

  const out = zeros([batch, outChannels, outH, outW]);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outChannels; o++) {
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          let sum = bias === undefined ? 0 : bias.data[o]!;
          for (let c = 0; c < inChannels; c++) {
            for (let ky = 0; ky < kernelH; ky++) {
              const iy = oy * strideH - padH + ky * dilationH;
              if (iy < 0 || iy >= height) continue;
              for (let kx = 0; kx < kernelW; kx++) {
                const ix = ox * strideW - padW + kx * dilationW;
                if (ix < 0 || ix >= width) continue;
                sum += x.data[((n * inChannels + c) * height + iy) * width + ix]! * weight.data[((o * inChannels + c) * kernelH + ky) * kernelW + kx]!;
              }
            }
          }
          out.data[((n * outChannels + o) * outH + oy) * outW + ox] = sum;
        }
      }
    }
  }
  return out;
}

/** torch.nn.functional.pad(x, (left, right, top, bottom)) with zeros, on the last two axes of NCHW. */
export function pad2d(x: NdArray, pads: { left: number; right: number; top: number; bottom: number }): NdArray {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const outH = height + pads.top + pads.bottom;
  const outW = width + pads.left + pads.right;
  const out = zeros([batch, channels, outH, outW]);
  for (let plane = 0; plane < batch * channels; plane++) {
    for (let y = 0; y < height; y++) {
      for (let xx = 0; xx < width; xx++) {
        out.data[(plane * outH + y + pads.top) * outW + xx + pads.left] = x.data[(plane * height + y) * width + xx]!;
      }
    }
  }
  return out;
}

function perAxis(value: PerAxis): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}
