/**
 * KSamplerAdvanced's step windows on the tiny SD pipeline's real UNet: a first part that stops at
 * step k with its leftover noise, and a second that continues from it without fresh noise, give the
 * single run's latent.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sampleLatents, sampleStepWindow, type SamplingRequest } from '../../../app/diffusion/pipeline/sample-latents.js';
import { encodePrompt } from '../../../app/diffusion/pipeline/text-encoding.js';
import { UnetModel } from '../../../app/diffusion/pipeline/unet-model.js';
import type { Latent } from '../../../app/diffusion/pipeline/values.js';
import type { Sampler } from '../../../app/diffusion/schedulers/index.js';
import { openPipelineFolder, type PipelineFolder } from '../../../app/models/pipeline-folder.js';
import { openSession, type ModelSession } from '../../../app/runtime/session.js';
import { tinyModelsDir } from '../../support/tiny-model.js';

const STEPS = 6;
const SPLIT = 2;

describe('two step windows chained give one run', () => {
  let folder: PipelineFolder;
  let session: ModelSession;
  let base: Omit<SamplingRequest, 'sampler' | 'denoise' | 'latent'>;
  const empty: Latent = { samples: new Float32Array(4 * 8 * 8), dims: [1, 4, 8, 8] };

  before(async () => {
    folder = openPipelineFolder(path.join(await tinyModelsDir(), 'tiny-sd'));
    session = await openSession(folder.unet, { executionProvider: 'cpu' });
    const positive = await encodePrompt(folder, 'a red circle', 'cpu');
    const negative = await encodePrompt(folder, '', 'cpu');
    base = { unet: new UnetModel(session), scheduler: folder.scheduler, steps: STEPS, seed: 5n, guidanceScale: 4, positive: [positive], negative: [negative], signal: new AbortController().signal, onStep: () => undefined };
  });
  after(() => session.release());

  const chained = async (sampler: Sampler) => {
    const first = await sampleStepWindow({ ...base, sampler, latent: empty, addNoise: true, window: { start: 0, end: SPLIT, finish: false } });
    return sampleStepWindow({ ...base, sampler, latent: first, addNoise: false, window: { start: SPLIT, end: 10000, finish: true } });
  };

  // Euler works on x0 + σ·ε itself: the hand-over is exact. DDIM hands over through ÷α and ×α
  // (float32 rounding, ~1e-7 relative per value, then STEPS − SPLIT UNet steps): 1e-5 relative to the peak.
  for (const [sampler, tolerance] of [
    [{ kind: 'euler', karras: false }, 0],
    [{ kind: 'euler', karras: true }, 0],
    [{ kind: 'euler_ancestral' }, 0],
    [{ kind: 'ddim', eta: 0 }, 1e-5],
  ] as Array<[Sampler, number]>) {
    test(`${sampler.kind}${'karras' in sampler && sampler.karras ? ' (karras)' : ''}: steps 0–${SPLIT} leaving noise, then ${SPLIT}–${STEPS} adding none = one ${STEPS}-step run`, async () => {
      const single = await sampleLatents({ ...base, sampler, denoise: 1, latent: empty });
      const parts = await chained(sampler);
      const peak = Math.max(...single.samples.map(Math.abs));
      const worst = Math.max(...single.samples.map((value, i) => Math.abs(value - parts.samples[i]!)));
      assert.ok(worst <= tolerance * peak, `largest difference ${worst} (peak ${peak})`);
    });
  }

  test('a part that stops early without its leftover noise ends at σ = 0: the last step\'s x0 prediction, where the noisy part ends at σ_k', async () => {
    const sampler: Sampler = { kind: 'euler', karras: false };
    let lastDenoised = new Float32Array();
    const noisy = await sampleStepWindow({ ...base, sampler, latent: empty, addNoise: true, window: { start: 0, end: SPLIT, finish: false }, onStep: (_done, _total, denoised) => (lastDenoised = denoised.slice()) });
    const finished = await sampleStepWindow({ ...base, sampler, latent: empty, addNoise: true, window: { start: 0, end: SPLIT, finish: true } });
    const peak = Math.max(...lastDenoised.map(Math.abs));
    // Euler's last step with σ_next = 0 is x − σ·ε = its x0 prediction, up to float32 rounding.
    finished.samples.forEach((value, i) => assert.ok(Math.abs(value - lastDenoised[i]!) <= 1e-5 * peak, `value ${i}: ${value} vs ${lastDenoised[i]}`));
    assert.ok(noisy.samples.some((value, i) => Math.abs(value - finished.samples[i]!) > 0.1 * peak), 'the noisy part keeps its noise');
  });

  test('a window with no step left returns the latent unchanged (ComfyUI: start ≥ end)', async () => {
    const sampler: Sampler = { kind: 'euler', karras: false };
    const latent: Latent = { samples: Float32Array.from({ length: 256 }, (_, i) => i / 256), dims: [1, 4, 8, 8] };
    assert.equal(await sampleStepWindow({ ...base, sampler, latent, addNoise: true, window: { start: 4, end: 4, finish: true } }), latent);
  });
});
