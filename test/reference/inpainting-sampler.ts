/**
 * ComfyUI's inpainting sampler, naively (comfy/samplers.py KSamplerX0Inpaint, comfy/utils.py
 * reshape_mask and repeat_to_batch_size, k-diffusion's sample_euler), on ComfyUI's own terms: a
 * variance-exploding latent x = x0 + σ·ε and a denoiser D(x, σ) returning x0. A DDIM (η = 0) step
 * on the variance-preserving latent α·x stands for the samplers that step on ε.
 */
import { NdArray } from './ndarray.js';
import { bilinearResize } from './resampling.js';

/** The guided model as k-diffusion sees it: x0 predicted from x at σ. */
export type Denoiser = (x: Float32Array, sigma: number, step: number) => Promise<Float32Array>;

/** reshape_mask for a [B, C, H, W] latent: bilinear to H×W, repeated over channels and (cyclically) the batch. */
export function reshapeMask(mask: NdArray, dims: readonly number[]): Float32Array {
  const [batch, channels, height, width] = dims as [number, number, number, number];
  const [maskBatch, maskHeight, maskWidth] = mask.shape as [number, number, number];
  const resized = bilinearResize(mask.reshape([maskBatch, 1, maskHeight, maskWidth]), height, width);
  const out = new Float32Array(batch * channels * height * width);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      for (let p = 0; p < height * width; p++) out[((b * channels + c) * height * width) + p] = resized.data[(b % maskBatch) * height * width + p]!;
    }
  }
  return out;
}

export interface InpaintRun {
  readonly latent: Float32Array;
  readonly mask: Float32Array;
  readonly noise: Float32Array;
  readonly denoiser: Denoiser;
}

/** KSamplerX0Inpaint.__call__ */
async function inpaintDenoised(run: InpaintRun, x: Float32Array, sigma: number, step: number): Promise<Float32Array> {
  const { latent, mask, noise } = run;
  const blended = x.map((value, i) => value * mask[i]! + (latent[i]! + noise[i]! * sigma) * (1 - mask[i]!));
  const out = await run.denoiser(blended, sigma, step);
  return out.map((value, i) => value * mask[i]! + latent[i]! * (1 - mask[i]!));
}

/** sample_euler (no churn) from the variance-exploding start `x`, over sigmas σ_0 … σ_n. */
export async function eulerInpaint(run: InpaintRun, start: Float32Array, sigmas: readonly number[]): Promise<Float32Array> {
  let x = start;
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const sigma = sigmas[i]!;
    const denoised = await inpaintDenoised(run, x, sigma, i);
    const dt = sigmas[i + 1]! - sigma;
    x = x.map((value, j) => value + ((value - denoised[j]!) / sigma) * dt);
  }
  return x;
}

/**
 * DDIM with η = 0 on the variance-preserving latent z = α·x (α = 1/sqrt(1 + σ²)): x0 from the
 * inpainting denoiser at z/α, ε = (z − α·x0)/(α·σ), z_next = α_next·x0 + α_next·σ_next·ε.
 */
export async function ddimInpaint(run: InpaintRun, start: Float32Array, sigmas: readonly number[]): Promise<Float32Array> {
  let z = start;
  const alphaOf = (sigma: number) => 1 / Math.sqrt(1 + sigma * sigma);
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const sigma = sigmas[i]!;
    const alpha = alphaOf(sigma);
    const denoised = await inpaintDenoised(run, z.map((value) => value / alpha), sigma, i);
    const next = sigmas[i + 1]!;
    const alphaNext = alphaOf(next);
    z = z.map((value, j) => {
      const eps = (value - alpha * denoised[j]!) / (alpha * sigma);
      return alphaNext * denoised[j]! + alphaNext * next * eps;
    });
  }
  return z;
}
