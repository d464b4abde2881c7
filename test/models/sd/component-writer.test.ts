import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { initializerBytes, writeComponent } from '../../../app/models/sd/component-writer.js';
import { tinyPipelineConfigs } from '../../../app/models/sd/presets.js';
import { buildVaeDecoder } from '../../../app/models/sd/vae.js';
import { parseVaeConfig } from '../../../app/models/sd/vae-config.js';
import { SeededWeights } from '../../../app/models/weights/seeded-weights.js';
import { openSession } from '../../../app/runtime/session.js';

describe('writeComponent', () => {
  let dir = '';
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'component-'))));
  after(() => rm(dir, { recursive: true, force: true }));
  const vae = tinyPipelineConfigs(10).vae;
  const model = () => buildVaeDecoder(parseVaeConfig(vae), new SeededWeights(5));

  test('small models stay in one file; above the limit the weights go to model.onnx_data and still load by path', async () => {
    await writeComponent(join(dir, 'inline'), 'vae_decoder', model(), vae);
    assert.deepEqual((await readdir(join(dir, 'inline', 'vae_decoder'))).sort(), ['config.json', 'model.onnx']);

    const built = model();
    const result = await writeComponent(join(dir, 'split'), 'vae_decoder', built, vae, { inlineWeightLimit: 1024 });
    assert.deepEqual((await readdir(join(dir, 'split', 'vae_decoder'))).sort(), ['config.json', 'model.onnx', 'model.onnx_data']);
    assert.ok(result.externalTensorCount > 0);
    const sidecar = await readFile(join(dir, 'split', 'vae_decoder', 'model.onnx_data'));
    assert.ok(sidecar.byteLength >= initializerBytes(built) * 0.9, 'the weights are in the sidecar');

    const session = await openSession(join(dir, 'split', 'vae_decoder', 'model.onnx'), { executionProvider: 'cpu' });
    try {
      const out = await session.run({ latent_sample: { type: 'float32', data: new Float32Array(4 * 2 * 2).fill(0.5), dims: [1, 4, 2, 2] } });
      assert.deepEqual(out.sample?.dims, [1, 3, 16, 16]);
    } finally {
      await session.release();
    }
  });
});
