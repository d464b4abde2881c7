/**
 * Turning a UNet output into the two quantities samplers use: the predicted clean sample x0
 * ("denoised", k-diffusion's D(x; σ)) and the predicted noise ε. The UNet may be trained to predict
 * ε ("epsilon"), x0 ("sample") or v = α·ε − s·x0 ("v_prediction", Salimans & Ho 2022, used by
 * SD 2.x-768), where α = sqrt(ᾱ) and s = sqrt(1 − ᾱ).
 *
 * Formulas follow diffusers: DDIMScheduler.step / DPMSolverMultistepScheduler.convert_model_output
 * for the variance-preserving latents, EulerDiscreteScheduler.step for variance-exploding ones.
 */
import type { PredictionType } from './scheduler-config.js';
import type { LatentParameterization } from './sampling-types.js';
import { samplingArgumentError } from './scheduler-errors.js';

/** α = sqrt(ᾱ) and s = sqrt(1 − ᾱ) of a k-diffusion σ, since ᾱ = 1 / (1 + σ²). */
export function alphaAndNoiseScale(sigma: number): { alpha: number; noiseScale: number } {
  const alpha = 1 / Math.sqrt(sigma * sigma + 1);
  return { alpha, noiseScale: sigma * alpha };
}

/** x0 predicted from the latent `sample` at noise level `sigma` and the model output. */
export function predictDenoised(
  prediction: PredictionType,
  parameterization: LatentParameterization,
  sigma: number,
  sample: Float32Array,
  modelOutput: Float32Array,
): Float32Array {
  requireSameLength(sample, modelOutput);
  const denoised = new Float32Array(sample.length);
  if (prediction === 'sample') {
    denoised.set(modelOutput);
    return denoised;
  }
  if (parameterization === 'variance_preserving') {
    const { alpha, noiseScale } = alphaAndNoiseScale(sigma);
    for (let i = 0; i < sample.length; i++) {
      const x = sample[i] as number;
      const out = modelOutput[i] as number;
      denoised[i] = prediction === 'epsilon' ? (x - noiseScale * out) / alpha : alpha * x - noiseScale * out;
    }
    return denoised;
  }
  // Variance exploding: x = x0 + σ·ε. The UNet saw x·α, hence the v formula's α factors.
  const sigmaSquaredPlusOne = sigma * sigma + 1;
  const vScale = -sigma / Math.sqrt(sigmaSquaredPlusOne);
  for (let i = 0; i < sample.length; i++) {
    const x = sample[i] as number;
    const out = modelOutput[i] as number;
    denoised[i] = prediction === 'epsilon' ? x - sigma * out : out * vScale + x / sigmaSquaredPlusOne;
  }
  return denoised;
}

/**
 * ε predicted for a variance-preserving latent (DDIM's `pred_epsilon`), given the x0 prediction
 * computed from the same output. For "epsilon" models it is the raw output, as in diffusers.
 */
export function predictNoise(
  prediction: PredictionType,
  sigma: number,
  sample: Float32Array,
  modelOutput: Float32Array,
  denoised: Float32Array,
): Float32Array {
  requireSameLength(sample, modelOutput);
  if (prediction === 'epsilon') return modelOutput;
  const { alpha, noiseScale } = alphaAndNoiseScale(sigma);
  const noise = new Float32Array(sample.length);
  for (let i = 0; i < sample.length; i++) {
    const x = sample[i] as number;
    noise[i] =
      prediction === 'sample'
        ? (x - alpha * (denoised[i] as number)) / noiseScale
        : alpha * (modelOutput[i] as number) + noiseScale * x;
  }
  return noise;
}

export function requireSameLength(sample: Float32Array, other: Float32Array, field = 'modelOutput'): void {
  if (other.length !== sample.length) {
    throw samplingArgumentError(
      field,
      `has ${other.length} elements but the latent has ${sample.length}`,
      'Pass an array with the latent\'s shape (for classifier-free guidance, combine the batch halves first)',
    );
  }
}
