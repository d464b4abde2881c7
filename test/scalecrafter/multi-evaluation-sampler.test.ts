/**
 * ScaleCrafter with a sampler that evaluates the UNet more than once per step (Heun): every
 * evaluation, the corrector at σ_{i+1} included, takes the controls of the step it belongs to, as
 * the reference schedules by step index (`i < dilate_tau`). Run on tiny-sd's prepared UNet with
 * re-dilation over the first half of 4 steps and ND-CFG's base pass over the first quarter.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { openPipelineFolder } from '../../app/models/pipeline-folder.js';
import { sampleLatents, type StepFeeds } from '../../app/diffusion/pipeline/sample-latents.js';
import { encodePrompt } from '../../app/diffusion/pipeline/text-encoding.js';
import { UnetModel } from '../../app/diffusion/pipeline/unet-model.js';
import { openSession } from '../../app/runtime/session.js';
import { setupFromPatches } from '../../app/scalecrafter/model-patches.js';
import { preparedUnetFor } from '../../app/scalecrafter/prepared-unet-cache.js';
import { tinyModelsDir } from '../support/tiny-model.js';

test('a re-dilated Heun run completes, each evaluation under its own step\'s schedule', async () => {
  const folder = openPipelineFolder(path.join(await tinyModelsDir(), 'tiny-sd'));
  const prepared = await preparedUnetFor(folder.unet);
  const [first, second] = prepared.convs;
  const setup = setupFromPatches([
    { kind: 'redilate', schedule: { kind: 'constant', convs: [{ conv: first!, dilation: 2 }], steps: { start: 0, end: 0.5 } } },
    { kind: 'noise_damped_cfg', schedule: { kind: 'constant', convs: [{ conv: second!, dilation: 2 }], steps: { start: 0, end: 0.25 } } },
  ]);
  const latent = { samples: new Float32Array(4 * 8 * 8), dims: [1, 4, 8, 8] as const };
  const controlsFor = prepared.controlsFor(setup, { latentDims: latent.dims, vaeScaleFactor: folder.vaeScaleFactor });
  const seen: { step: number; feeds: StepFeeds }[] = [];
  const session = await openSession(prepared.modelPath, { executionProvider: 'cpu' });
  try {
    const result = await sampleLatents({
      unet: new UnetModel(session), scheduler: folder.scheduler, sampler: { kind: 'heun', schedule: 'karras' }, steps: 4, denoise: 1, seed: 3n,
      guidanceScale: 7, positive: [await encodePrompt(folder, 'a lighthouse', 'cpu')], negative: [await encodePrompt(folder, '', 'cpu')],
      latent, signal: new AbortController().signal, onStep: () => undefined,
      controlsAt: (step, total, size) => {
        const feeds = controlsFor(step, total, size);
        if (size === undefined) seen.push({ step, feeds });
        return feeds;
      },
    });
    assert.ok(result.samples.every(Number.isFinite));
  } finally {
    await session.release();
  }
  // Two evaluations per step, one on the last (its Euler step to σ = 0).
  assert.deepEqual(seen.map(({ step }) => step), [0, 0, 1, 1, 2, 2, 3]);
  const expected = seen.map(({ step }) => controlsFor(step, 4));
  seen.forEach(({ feeds }, k) => assert.deepEqual(feeds, expected[k], `evaluation ${k}`));
  // The corrector of step 1 is still re-dilated (steps 0–1 of 4), that of step 2 is not; ND-CFG's base pass runs in step 0 only.
  assert.notDeepEqual(seen[3]!.feeds.main, seen[4]!.feeds.main);
  assert.deepEqual(seen.map(({ feeds }) => feeds.base !== null), [true, true, false, false, false, false, false]);
});
