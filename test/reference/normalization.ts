/**
 * torch.nn.GroupNorm and torch.nn.LayerNorm, two-pass in float64: mean, then biased variance
 * (divide by the element count, as PyTorch does), y = (x − mean)/√(var + eps) · γ + β.
 */
import { NdArray, zeros } from './ndarray.js';

/** GroupNorm over x [N, C, ...spatial]: statistics per (sample, group of C/groups channels). */
export function groupNorm(x: NdArray, groups: number, gamma: NdArray, beta: NdArray, eps: number): NdArray {
  const [batch, channels] = x.shape as [number, number];
  if (channels % groups !== 0) throw new RangeError(`groupNorm: ${channels} channels do not split into ${groups} groups`);
  if (gamma.size !== channels || beta.size !== channels) throw new RangeError(`groupNorm: gamma/beta need ${channels} values`);
  const spatial = x.size / (batch * channels);
  const groupSize = (channels / groups) * spatial;
  const out = zeros(x.shape);
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const start = (n * channels + (g * channels) / groups) * spatial;
      const { mean, invStd } = moments(x.data, start, groupSize, eps);
      for (let i = 0; i < groupSize; i++) {
        const channel = (g * channels) / groups + Math.floor(i / spatial);
        out.data[start + i] = (x.data[start + i]! - mean) * invStd * gamma.data[channel]! + beta.data[channel]!;
      }
    }
  }
  return out;
}

/** LayerNorm over the last axis (normalized_shape = [x.shape[-1]]), with elementwise affine γ, β. */
export function layerNorm(x: NdArray, gamma: NdArray, beta: NdArray, eps: number): NdArray {
  const width = x.shape[x.shape.length - 1]!;
  if (gamma.size !== width || beta.size !== width) throw new RangeError(`layerNorm: gamma/beta need ${width} values`);
  const out = zeros(x.shape);
  for (let start = 0; start < x.size; start += width) {
    const { mean, invStd } = moments(x.data, start, width, eps);
    for (let j = 0; j < width; j++) {
      out.data[start + j] = (x.data[start + j]! - mean) * invStd * gamma.data[j]! + beta.data[j]!;
    }
  }
  return out;
}

function moments(data: Float32Array, start: number, count: number, eps: number): { mean: number; invStd: number } {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += data[start + i]!;
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < count; i++) squares += (data[start + i]! - mean) ** 2;
  return { mean, invStd: 1 / Math.sqrt(squares / count + eps) };
}
