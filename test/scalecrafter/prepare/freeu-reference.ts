/**
 * FreeU as the ScaleCrafter reference computes it (free_lunch_utils.py), written naively for the
 * tests: a direct 2-D DFT in float64, the fftshifted mask built with Python's slice rules
 * (mask[..., crow − 1 : crow + 1, ccol − 1 : ccol + 1] = scale), the inverse DFT's real part —
 * nothing shared with the FFT-free graph it checks.
 */
import { NdArray, zeros } from '../../reference/ndarray.js';
import { concat } from '../../reference/tensor-layout.js';

/** Indices a Python slice [start:stop] selects from a sequence of length n (step 1). */
function pythonSlice(start: number, stop: number, n: number): number[] {
  const clamp = (index: number) => Math.min(Math.max(index < 0 ? index + n : index, 0), n);
  const indices: number[] = [];
  for (let i = clamp(start); i < clamp(stop); i++) indices.push(i);
  return indices;
}

/** mask over unshifted frequency indices: fftshift(X)[i] = X[(i − ⌊n/2⌋) mod n]. */
function frequencyMask(n: number): boolean[] {
  const centre = Math.floor(n / 2);
  const mask = new Array<boolean>(n).fill(false);
  for (const shifted of pythonSlice(centre - 1, centre + 1, n)) mask[(shifted - centre + n) % n] = true;
  return mask;
}

/** Fourier_filter(x, threshold = 1, scale) on [B, C, H, W]. */
export function fourierFilterReference(x: NdArray, scale: number): NdArray {
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const rows = frequencyMask(height);
  const columns = frequencyMask(width);
  const out = zeros([...x.shape]);
  const re = new Float64Array(height * width);
  const im = new Float64Array(height * width);
  for (let plane = 0; plane < batch * channels; plane++) {
    const base = plane * height * width;
    for (let ky = 0; ky < height; ky++) {
      for (let kx = 0; kx < width; kx++) {
        let sumRe = 0;
        let sumIm = 0;
        for (let y = 0; y < height; y++) {
          for (let xi = 0; xi < width; xi++) {
            const angle = -2 * Math.PI * ((ky * y) / height + (kx * xi) / width);
            const value = x.data[base + y * width + xi]!;
            sumRe += value * Math.cos(angle);
            sumIm += value * Math.sin(angle);
          }
        }
        const factor = rows[ky] && columns[kx] ? scale : 1;
        re[ky * width + kx] = sumRe * factor;
        im[ky * width + kx] = sumIm * factor;
      }
    }
    for (let y = 0; y < height; y++) {
      for (let xi = 0; xi < width; xi++) {
        let real = 0;
        for (let ky = 0; ky < height; ky++) {
          for (let kx = 0; kx < width; kx++) {
            const angle = 2 * Math.PI * ((ky * y) / height + (kx * xi) / width);
            real += re[ky * width + kx]! * Math.cos(angle) - im[ky * width + kx]! * Math.sin(angle);
          }
        }
        out.data[base + y * width + xi] = real / (height * width);
      }
    }
  }
  return out;
}

export interface FreeUFactors {
  b1: number;
  b2: number;
  s1: number;
  s2: number;
}

/**
 * The reference's up-block step before one resnet, then torch.cat([hidden, skip], dim=1):
 * hidden with C1 channels → hidden[:, :C1/2] *= b1, skip filtered with s1; C2 → b2, s2.
 */
export function freeUConcatReference(hidden: NdArray, skip: NdArray, factors: FreeUFactors, primaryChannels: number, secondaryChannels: number): NdArray {
  const [batch, channels, height, width] = hidden.shape as [number, number, number, number];
  const pick = channels === primaryChannels ? { b: factors.b1, s: factors.s1 } : channels === secondaryChannels ? { b: factors.b2, s: factors.s2 } : null;
  if (pick === null) return concat([hidden, skip], 1);
  const scaled = new NdArray([...hidden.shape], Float32Array.from(hidden.data));
  const plane = height * width;
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < Math.floor(channels / 2); c++) {
      for (let i = (b * channels + c) * plane; i < (b * channels + c + 1) * plane; i++) scaled.data[i] = scaled.data[i]! * pick.b;
    }
  }
  return concat([scaled, fourierFilterReference(skip, pick.s)], 1);
}
