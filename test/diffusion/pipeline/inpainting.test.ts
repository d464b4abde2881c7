/**
 * Sampling with a latent's noise mask (inpainting.ts in sample-latents.ts) against a naive reference
 * of ComfyUI's KSamplerX0Inpaint around k-diffusion's Euler and a DDIM step
 * (test/reference/inpainting-sampler.ts), on the tiny SD pipeline's real UNet with CFG. Both sides
 * share the model call, the planned σ's and timesteps, and the run's first noise draw; what is
 * compared is the mask's resizing, the blends and the steps built on them.
 * Tolerance: |ours − reference| ≤ 1e-5 · the reference's peak (measured ≤ 8e-7: float32 arithmetic in another order
 * through 6 UNet steps).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { guidedPrediction } from '../../../app/diffusion/pipeline/guidance.js';
import { denoiseMaskFor } from '../../../app/diffusion/pipeline/inpainting.js';
import { sampleLatents, type SamplingRequest } from '../../../app/diffusion/pipeline/sample-latents.js';
import { encodePrompt } from '../../../app/diffusion/pipeline/text-encoding.js';
import { UnetModel } from '../../../app/diffusion/pipeline/unet-model.js';
import type { Conditioning, Latent } from '../../../app/diffusion/pipeline/values.js';
import { GaussianNoiseStream } from '../../../app/diffusion/noise/gaussian-noise.js';
import { planSampling, type Sampler, type SamplingPlan } from '../../../app/diffusion/schedulers/index.js';
import type { PredictionType } from '../../../app/diffusion/schedulers/scheduler-config.js';
import type { MaskBatch } from '../../../app/imaging/mask.js';
import { openPipelineFolder, type PipelineFolder } from '../../../app/models/pipeline-folder.js';
import { openSession, type ModelSession } from '../../../app/runtime/session.js';
import { difference } from '../../reference/compare.js';
import { ddimInpaint, eulerInpaint, reshapeMask, type Denoiser } from '../../reference/inpainting-sampler.js';
import { NdArray, randn } from '../../reference/ndarray.js';
import { tinyModelsDir } from '../../support/tiny-model.js';

const STEPS = 6;
const SEED = 11n;
const CFG = 3;
const DIMS = [2, 4, 8, 8] as const;

/** A soft mask at another size than the latent (5×7 → 8×8), one plane for both batch items. */
const MASK: MaskBatch = { batch: 1, height: 5, width: 7, values: Float32Array.from({ length: 35 }, (_, i) => Math.min(1, Math.max(0, ((i % 7) - 2) / 3))) };

describe('sampling with a noise mask = ComfyUI\'s KSamplerX0Inpaint', () => {
  let folder: PipelineFolder;
  let session: ModelSession;
  let unet: UnetModel;
  let positive: Conditioning;
  let negative: Conditioning;
  const source: Latent = { samples: randn([...DIMS], 3).data, dims: DIMS, noiseMask: MASK };

  before(async () => {
    folder = openPipelineFolder(path.join(await tinyModelsDir(), 'tiny-sd'));
    session = await openSession(folder.unet, { executionProvider: 'cpu' });
    unet = new UnetModel(session);
    positive = await encodePrompt(folder, 'a red circle', 'cpu');
    negative = await encodePrompt(folder, 'blurry', 'cpu');
  });
  after(() => session.release());

  const request = (sampler: Sampler, prediction: PredictionType, denoise: number): SamplingRequest => ({
    unet,
    scheduler: { ...folder.scheduler, prediction_type: prediction },
    sampler,
    steps: STEPS,
    denoise,
    seed: SEED,
    guidanceScale: CFG,
    positive: [positive],
    negative: [negative],
    latent: source,
    signal: new AbortController().signal,
    onStep: () => undefined,
  });

  /** ComfyUI's CFG denoiser (comfy/model_sampling.py EPS / V_PREDICTION) on the same UNet and timesteps. */
  const denoiserFor = (plan: SamplingPlan, prediction: PredictionType): Denoiser => async (x, sigma, step) => {
    const alpha = 1 / Math.sqrt(1 + sigma * sigma);
    const output = await guidedPrediction({ unet, sample: x.map((value) => value * alpha), dims: DIMS, timestep: plan.steps[step]!.timestep, positive: [positive], negative: [negative], scale: CFG });
    return prediction === 'epsilon' ? x.map((value, i) => value - sigma * output[i]!) : x.map((value, i) => value * alpha * alpha - output[i]! * sigma * alpha);
  };

  const comparison = async (sampler: Sampler, prediction: PredictionType, denoise: number) => {
    const ours = await sampleLatents(request(sampler, prediction, denoise));
    const plan = planSampling({ ...folder.scheduler, prediction_type: prediction }, sampler, STEPS, denoise);
    const sigmas = [...plan.steps.map((step) => step.sigma), plan.steps.at(-1)!.sigmaNext];
    const noise = new GaussianNoiseStream(SEED).next(source.samples.length);
    const run = { latent: source.samples, mask: reshapeMask(new NdArray([1, 5, 7], MASK.values), DIMS), noise, denoiser: denoiserFor(plan, prediction) };
    const sigma0 = sigmas[0]!;
    // k-diffusion's start: the latent plus noise × sqrt(1 + σ²) at full denoise (ComfyUI's max_denoise; for Euler the plan's init_noise_sigma), × σ part-way.
    const scale = denoise < 1 ? sigma0 : sampler.kind === 'ddim' ? Math.sqrt(1 + sigma0 * sigma0) : plan.initNoiseSigma;
    const start = source.samples.map((value, i) => value + noise[i]! * scale);
    const expected = sampler.kind === 'ddim' ? await ddimInpaint(run, start.map((value) => value / Math.sqrt(1 + sigma0 * sigma0)), sigmas) : await eulerInpaint(run, start, sigmas);
    return { ours: ours.samples, expected };
  };

  test('the mask at the latent\'s size: bilinear, every channel, the batch repeated (reshape_mask)', () => {
    const diff = difference(denoiseMaskFor(MASK, DIMS), reshapeMask(new NdArray([1, 5, 7], MASK.values), DIMS), { atol: 1e-6, rtol: 0 });
    assert.ok(diff.withinTolerance, `largest difference ${diff.maxAbs}`);
  });

  for (const [label, sampler, prediction, denoise] of [
    ['Euler, ε, denoise 1', { kind: 'euler', karras: false }, 'epsilon', 1],
    ['Euler, v, denoise 1', { kind: 'euler', karras: false }, 'v_prediction', 1],
    ['Euler (Karras), ε, denoise 0.6', { kind: 'euler', karras: true }, 'epsilon', 0.6],
    ['DDIM η 0, ε, denoise 1', { kind: 'ddim', eta: 0 }, 'epsilon', 1],
    ['DDIM η 0, v, denoise 1', { kind: 'ddim', eta: 0 }, 'v_prediction', 1],
  ] as Array<[string, Sampler, PredictionType, number]>) {
    test(label, async () => {
      const { ours, expected } = await comparison(sampler, prediction, denoise);
      const peak = Math.max(...expected.map(Math.abs));
      const worst = Math.max(...ours.map((value, i) => Math.abs(value - expected[i]!)));
      assert.ok(worst <= 1e-5 * peak, `largest difference ${worst} (peak ${peak})`);
    });
  }

  test('Euler to σ = 0 ends on the source latent where the mask is 0', async () => {
    const ours = await sampleLatents(request({ kind: 'euler', karras: false }, 'epsilon', 1));
    const mask = denoiseMaskFor(MASK, DIMS);
    let kept = 0;
    mask.forEach((value, i) => {
      if (value !== 0) return;
      kept++;
      assert.ok(Math.abs(ours.samples[i]! - source.samples[i]!) <= 1e-5 * (1 + Math.abs(source.samples[i]!)), `value ${i}`);
    });
    assert.ok(kept > 0 && kept < mask.length, 'the mask keeps part of the latent');
  });
});
