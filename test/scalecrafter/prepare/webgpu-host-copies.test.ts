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
import { preparedUnetFor } from '../../../app/diffusion/pipeline/prepared-unet.js';
import { openPipelineFolder } from '../../../app/models/pipeline-folder.js';
import { openSession } from '../../../app/runtime/session.js';
import { profileFileFor, readRunProfiles } from '../../../app/runtime/session-profile.js';
import { FREEU_DEFAULTS } from '../../../app/scalecrafter/freeu-defaults.js';
import { attentionScaleFeeds, attentionScaleOffFeeds } from '../../../app/scalecrafter/prepare/attention-scale-controls.js';
import { controlFeeds, offControlFeeds } from '../../../app/scalecrafter/prepare/controls.js';
import { freeUFeeds } from '../../../app/scalecrafter/prepare/freeu-controls.js';
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
  const [first, second, third] = prepared.layout.convs;
  const on = controlFeeds(prepared.layout, new Map([
    [first!, { dilation: 2, dispersed: false }],
    [second!, { dilation: 1.5, dispersed: false }],
    [third!, { dilation: 2, dispersed: true }],
  ]));
  const calls = [
    { ...offControlFeeds(prepared.layout), ...freeUFeeds(null), ...attentionScaleOffFeeds(prepared.attentionScale) },
    { ...on, ...freeUFeeds(FREEU_DEFAULTS.tiny), ...attentionScaleFeeds(prepared.attentionScale, latent, latent, 4, 4) },
  ];
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
