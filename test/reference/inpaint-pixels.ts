/**
 * VAEEncodeForInpaint's tensor work before the VAE (ComfyUI nodes.py), naively on ComfyUI's layouts:
 * pixels [B, H, W, 3], mask [Bm, H', W']. torch's round (ties to even), F.interpolate bilinear,
 * F.conv2d with a ones kernel and zero padding, clamp, slicing.
 */
import { NdArray } from './ndarray.js';
import { bilinearResize } from './resampling.js';

const torchRound = (value: number): number => {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff !== 0.5) return diff > 0.5 ? floor + 1 : floor;
  return floor % 2 === 0 ? floor : floor + 1;
};

/** F.conv2d(x [N,1,H,W], ones(1,1,k,k), padding=p): [N, 1, H+2p−k+1, W+2p−k+1]. */
function boxConv(x: NdArray, k: number, p: number): NdArray {
  const [n, , h, w] = x.shape as [number, number, number, number];
  const oh = h + 2 * p - k + 1;
  const ow = w + 2 * p - k + 1;
  const out = new NdArray([n, 1, oh, ow], new Float32Array(n * oh * ow));
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++) {
        let sum = 0;
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            const sy = y + i - p;
            const sx = xx + j - p;
            if (sy >= 0 && sy < h && sx >= 0 && sx < w) sum += x.at(b, 0, sy, sx);
          }
        }
        out.data[(b * oh + y) * ow + xx] = sum;
      }
    }
  }
  return out;
}

/** VAEEncodeForInpaint.encode up to vae.encode: the pixels it encodes and the noise_mask [Bm, 1, x, y]. */
export function vaeEncodeForInpaintInputs(pixels: NdArray, mask: NdArray, ratio: number, growMaskBy: number): { pixels: NdArray; noiseMask: NdArray } {
  const [batch, height, width] = pixels.shape as [number, number, number, number];
  const x = Math.floor(height / ratio) * ratio;
  const y = Math.floor(width / ratio) * ratio;
  const [maskBatch, mh, mw] = mask.shape as [number, number, number];
  let m = bilinearResize(mask.reshape([maskBatch, 1, mh, mw]), height, width);
  let p = pixels;
  if (height !== x || width !== y) {
    const xo = Math.floor((height % ratio) / 2);
    const yo = Math.floor((width % ratio) / 2);
    p = new NdArray([batch, x, y, 3], Float32Array.from({ length: batch * x * y * 3 }, (_, i) => {
      const c = i % 3;
      const col = Math.floor(i / 3) % y;
      const row = Math.floor(i / (3 * y)) % x;
      const b = Math.floor(i / (3 * x * y));
      return pixels.at(b, row + xo, col + yo, c);
    }));
    m = new NdArray([maskBatch, 1, x, y], Float32Array.from({ length: maskBatch * x * y }, (_, i) => m.at(Math.floor(i / (x * y)), 0, Math.floor(i / y) % x + xo, (i % y) + yo)));
  }
  const rounded = new NdArray(m.shape, m.data.map(torchRound));
  let erosion = m;
  if (growMaskBy !== 0) {
    const conv = boxConv(rounded, growMaskBy, Math.ceil((growMaskBy - 1) / 2));
    erosion = new NdArray(conv.shape, conv.data.map((v) => Math.min(1, Math.max(0, v))));
  }
  const [, , eh, ew] = erosion.shape as [number, number, number, number];
  const noiseMask = new NdArray([maskBatch, 1, x, y], Float32Array.from({ length: maskBatch * x * y }, (_, i) => {
    const b = Math.floor(i / (x * y));
    return torchRound(erosion.data[(b * eh + Math.floor(i / y) % x) * ew + (i % y)]!);
  }));
  // pixels[:,:,:,i] *= (1 − mask.round()).squeeze(1): the mask broadcast over the batch (one plane, or one per image).
  const out = p.data.map((value, i) => {
    const b = Math.floor(i / (3 * x * y));
    const keep = 1 - rounded.data[(maskBatch === 1 ? 0 : b) * x * y + Math.floor(i / 3) % (x * y)]!;
    return (value - 0.5) * keep + 0.5;
  });
  return { pixels: new NdArray(p.shape, out), noiseMask };
}
