/**
 * Sampling with a latent's noise mask (SetLatentNoiseMask, VAEEncodeForInpaint), as ComfyUI's
 * KSampler does it (comfy/samplers.py KSamplerX0Inpaint around the guided model):
 *
 * - the mask is resized to the latent as comfy.utils.reshape_mask does: bilinear (align_corners
 *   false) to the latent's height and width, the same for every channel, the batch repeated
 *   cyclically (repeat_to_batch_size);
 * - at each step, the model's input keeps the sampler's latent where the mask is 1 and takes the
 *   source latent noised to the step's σ with the run's first noise (latent + σ·noise) where it is 0;
 * - the model's x0 prediction is blended the same way with the source latent, so outside the mask
 *   the sampler is steered back onto the source.
 *
 * The samplers here step on a model output (ε, v or x0) rather than on x0, so the blended x0 is
 * turned back into the output that gives it from the sampler's own latent. Every UNet input is
 * α·(x0 + σ·ε) with α = 1/sqrt(1 + σ²), whatever the sampler's parameterization, so both blends
 * work on the UNet's input.
 */
import { commonUpscale } from '../../imaging/common-upscale.js';
import type { MaskBatch } from '../../imaging/mask.js';
import { alphaAndNoiseScale } from '../schedulers/denoised-prediction.js';
import type { PredictionType } from '../schedulers/scheduler-config.js';

/** reshape_mask: the mask at the latent's [B, C, H, W], 1 where the sampler denoises. */
export function denoiseMaskFor(mask: MaskBatch, dims: readonly [number, number, number, number]): Float32Array {
  const [batch, channels, height, width] = dims;
  const resized = mask.height === height && mask.width === width ? mask.values : commonUpscale(mask.values, [mask.batch, 1, mask.height, mask.width], height, width, 'bilinear', 'disabled');
  const plane = height * width;
  const out = new Float32Array(batch * channels * plane);
  for (let b = 0; b < batch; b++) {
    const source = resized.subarray((b % mask.batch) * plane, (b % mask.batch + 1) * plane);
    for (let c = 0; c < channels; c++) out.set(source, (b * channels + c) * plane);
  }
  return out;
}

export interface InpaintingSource {
  /** The latent the mask keeps (the sampler's input latent, unscaled as the UNet sees it). */
  readonly latent: Float32Array;
  /** [B, C, H, W] as denoiseMaskFor gives it. */
  readonly mask: Float32Array;
  /** The run's first noise draw (zeros when the run adds none, as ComfyUI's disabled noise). */
  readonly noise: Float32Array;
  readonly prediction: PredictionType;
}

export class InpaintingBlend {
  constructor(private readonly source: InpaintingSource) {}

  /** KSamplerX0Inpaint's x: the sampler's UNet input inside the mask, the noised source outside. */
  modelInput(input: Float32Array, sigma: number): Float32Array {
    const { latent, mask, noise } = this.source;
    const { alpha } = alphaAndNoiseScale(sigma);
    return input.map((value, i) => value * mask[i]! + alpha * (latent[i]! + sigma * noise[i]!) * (1 - mask[i]!));
  }

  /**
   * The model output the sampler steps on: the output for `blendedInput` turned into x0, x0 blended
   * with the source latent outside the mask, and that x0 turned back into an output for the
   * sampler's own `input`.
   */
  modelOutput(output: Float32Array, blendedInput: Float32Array, input: Float32Array, sigma: number): Float32Array {
    const { latent, mask, prediction } = this.source;
    const { alpha, noiseScale } = alphaAndNoiseScale(sigma);
    return output.map((out, i) => {
      const denoised = denoisedFrom(prediction, blendedInput[i]!, out, alpha, noiseScale) * mask[i]! + latent[i]! * (1 - mask[i]!);
      return outputFor(prediction, input[i]!, denoised, alpha, noiseScale);
    });
  }
}

/** x0 from a UNet input u = α·x and its output (diffusers' variance-preserving formulas). */
function denoisedFrom(prediction: PredictionType, input: number, output: number, alpha: number, noiseScale: number): number {
  if (prediction === 'sample') return output;
  if (prediction === 'epsilon') return (input - noiseScale * output) / alpha;
  return alpha * input - noiseScale * output;
}

/** The output that gives `denoised` from the UNet input `input` (denoisedFrom solved for the output). */
function outputFor(prediction: PredictionType, input: number, denoised: number, alpha: number, noiseScale: number): number {
  if (prediction === 'sample') return denoised;
  if (prediction === 'epsilon') return (input - alpha * denoised) / noiseScale;
  return (alpha * input - denoised) / noiseScale;
}
