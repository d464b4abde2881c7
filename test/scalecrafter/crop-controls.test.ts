/**
 * The prepared UNet's feeds for a conditioning area's crop (prepared-unet.ts controlsFor with a
 * latent size): the same dilations as the whole latent's at that step, and Attn-SF's λ for the
 * crop's own token count — 1 at every layer for a crop of the training size (λ = √(log N / log N_train)).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { openPipelineFolder } from '../../app/models/pipeline-folder.js';
import { setupFromPatches } from '../../app/scalecrafter/model-patches.js';
import { ATTENTION_SCALE_INPUT } from '../../app/scalecrafter/prepare/attention-scale-controls.js';
import { preparedUnetFor } from '../../app/scalecrafter/prepared-unet-cache.js';
import { tinyModelsDir } from '../support/tiny-model.js';

test('a crop gets the step\'s dilations and Attn-SF factors for its own size', async () => {
  const folder = await openPipelineFolder(path.join(await tinyModelsDir(), 'tiny-sd'));
  const prepared = await preparedUnetFor(folder.unet);
  const [first] = prepared.convs;
  const setup = setupFromPatches([
    { kind: 'redilate', schedule: { kind: 'constant', convs: [{ conv: first!, dilation: 2 }], steps: { start: 0, end: 1 } } },
    { kind: 'attention_scale', trainWidth: 256, trainHeight: 256 },
  ]);
  const controlsAt = prepared.controlsFor(setup, { latentDims: [1, 4, 64, 64], vaeScaleFactor: 8 });
  const whole = controlsAt(1, 4).main;
  const trainingSizeCrop = controlsAt(1, 4, { height: 32, width: 32 }).main;
  const lambdas = (feeds: typeof whole) => [...(feeds[ATTENTION_SCALE_INPUT]!.data as Float32Array)];
  assert.ok(lambdas(whole).every((lambda) => lambda > 1), `the 64² latent is past the 32² training size: ${lambdas(whole).join(', ')}`);
  assert.deepEqual(lambdas(trainingSizeCrop), lambdas(trainingSizeCrop).map(() => 1));
  for (const [name, tensor] of Object.entries(whole)) {
    if (name !== ATTENTION_SCALE_INPUT) assert.deepEqual(trainingSizeCrop[name], tensor, `${name} does not depend on the size`);
  }
});
