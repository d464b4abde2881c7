/** Shape-only and elementwise helpers the blocks share: concatenation, residual add, NCHW ↔ tokens. */
import { NdArray, zeros } from './ndarray.js';

/** torch.cat(arrays, dim=axis). */
export function concat(arrays: readonly NdArray[], axis: number): NdArray {
  const first = arrays[0];
  if (first === undefined) throw new RangeError('concat needs at least one array');
  for (const array of arrays) {
    if (array.shape.length !== first.shape.length || array.shape.some((dim, a) => a !== axis && dim !== first.shape[a])) {
      throw new RangeError(`concat: [${array.shape}] does not match [${first.shape}] off axis ${axis}`);
    }
  }
  const outer = first.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = first.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const total = arrays.reduce((sum, array) => sum + array.shape[axis]!, 0);
  const out = zeros(first.shape.map((dim, a) => (a === axis ? total : dim)));
  let offset = 0;
  for (const array of arrays) {
    const chunk = array.shape[axis]! * inner;
    for (let o = 0; o < outer; o++) out.data.set(array.data.subarray(o * chunk, (o + 1) * chunk), o * total * inner + offset);
    offset += chunk;
  }
  return out;
}

/** Elementwise a + b of equal shapes (residual connections). */
export function add(a: NdArray, b: NdArray): NdArray {
  if (a.shape.join(',') !== b.shape.join(',')) throw new RangeError(`add: shapes [${a.shape}] and [${b.shape}] differ`);
  const out = zeros(a.shape);
  for (let i = 0; i < a.size; i++) out.data[i] = a.data[i]! + b.data[i]!;
  return out;
}

/** [B, C, H, W] → [B, H·W, C]: hidden_states.permute(0, 2, 3, 1).reshape(B, H·W, C). */
export function nchwToTokens(x: NdArray): NdArray {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const spatial = height * width;
  const out = zeros([batch, spatial, channels]);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      for (let s = 0; s < spatial; s++) out.data[(b * spatial + s) * channels + c] = x.data[(b * channels + c) * spatial + s]!;
    }
  }
  return out;
}

/** [B, H·W, C] → [B, C, H, W]: the inverse of nchwToTokens. */
export function tokensToNchw(x: NdArray, height: number, width: number): NdArray {
  const [batch, spatial, channels] = x.shape as [number, number, number];
  if (spatial !== height * width) throw new RangeError(`tokensToNchw: ${spatial} tokens are not ${height}×${width}`);
  const out = zeros([batch, channels, height, width]);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      for (let s = 0; s < spatial; s++) out.data[(b * channels + c) * spatial + s] = x.data[(b * spatial + s) * channels + c]!;
    }
  }
  return out;
}
