/**
 * The app's prepared UNet (conv dilation/dispersion, FreeU and Attn-SF controls) keeps every
 * control computation and If condition on the host under the WebGPU EP: a GPU→host copy inside a
 * call (ORT's MemcpyToHost) makes the host wait for the whole GPU queue. Checked in ONNX Runtime's
 * session profile, with the controls off and with every kind on. Each FreeU site cost one such
 * wait per call before its control values moved to float64.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openPipelineFolder } from '../../../app/models/pipeline-folder.js';
import { openSession } from '../../../app/runtime/session.js';
import { profileFileFor, readRunProfiles } from '../../../app/runtime/session-profile.js';
import { FREEU_DEFAULTS } from '../../../app/scalecrafter/freeu-defaults.js';
import { DEFAULT_DISPERSION_PARAMS } from '../../../app/scalecrafter/dispersion-transform.js';
import { setupFromPatches } from '../../../app/scalecrafter/model-patches.js';
import { preparedUnetFor } from '../../../app/scalecrafter/prepared-unet-cache.js';
import { tinyModelsDir } from '../../support/tiny-model.js';

process.env.XDG_RUNTIME_DIR ||= '/tmp';

test('prepared UNet on WebGPU: no GPU→host copy per call, controls off or on', async () => {
  const folder = await openPipelineFolder(path.join(await tinyModelsDir(), 'tiny-sd'));
  const prepared = await preparedUnetFor(folder.unet);
  const prefix = path.join(mkdtempSync(path.join(tmpdir(), 'scalecrafter-profile-')), 'prepared');
  const session = await openSession(prepared.modelPath, { executionProvider: 'webgpu', profileFilePrefix: prefix });
  const latent = 8;
  const seeded = (count: number) => Float32Array.from({ length: count }, (_, i) => Math.sin(i * 0.37));
  const inputs = {
    sample: { type: 'float32' as const, data: seeded(2 * 4 * latent * latent), dims: [2, 4, latent, latent] },
    timestep: { type: 'float32' as const, data: Float32Array.of(500), dims: [1] },
    encoder_hidden_states: { type: 'float32' as const, data: seeded(2 * 77 * 32), dims: [2, 77, 32] },
  };
  const [first, second, third] = prepared.convs;
  const steps = { start: 0, end: 1 };
  const everyKind = setupFromPatches([
    { kind: 'redilate', schedule: { kind: 'constant', convs: [{ conv: first!, dilation: 2 }, { conv: second!, dilation: 1.5 }, { conv: third!, dilation: 2 }], steps } },
    { kind: 'disperse', schedule: { kind: 'dispersed', convs: [third!], transform: DEFAULT_DISPERSION_PARAMS, steps } },
    { kind: 'freeu', settings: FREEU_DEFAULTS.tiny },
    { kind: 'attention_scale', trainWidth: 32, trainHeight: 32 },
  ]);
  const run = { latentDims: [2, 4, latent, latent], vaeScaleFactor: 8 };
  const calls = [prepared.controlsFor(setupFromPatches([]), run)(0, 1).main, prepared.controlsFor(everyKind, run)(0, 1).main];
  try {
    for (const controls of calls) await session.run({ ...inputs, ...controls });
  } finally {
    await session.release();
  }
  const runs = readRunProfiles(profileFileFor(prefix));
  assert.equal(runs.length, calls.length);
  const [off, active] = runs;
  assert.ok(off!.controlFlowNodesRun > 0 && active!.controlFlowNodesRun > off!.controlFlowNodesRun, 'the gates ran, and more of them with controls on');
  assert.deepEqual(runs.map((run) => run.deviceToHostCopies), [0, 0]);
});
