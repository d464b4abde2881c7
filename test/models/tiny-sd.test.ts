import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadClipTokenizer } from '../../app/diffusion/tokenizer/clip-tokenizer.js';
import { parseSchedulerConfig, STABLE_DIFFUSION_SCHEDULER_CONFIG } from '../../app/diffusion/schedulers/scheduler-config.js';
import { writeTinyStableDiffusion } from '../../app/models/tiny-sd.js';
import { runOnnxFile as run } from './run-onnx-file.js';
import type { HostTensor } from '../../app/runtime/host-tensor.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

function finiteAndVaried(tensor: HostTensor | undefined, label: string): void {
  assert.ok(tensor, `${label} missing`);
  const data = tensor.data as Float32Array;
  assert.ok(data.every(Number.isFinite), `${label} has non-finite values`);
  const mean = data.reduce((a, b) => a + b, 0) / data.length;
  const variance = data.reduce((a, b) => a + (b - mean) ** 2, 0) / data.length;
  assert.ok(variance > 1e-4 && variance < 1e3, `${label} variance ${variance} is degenerate`);
}

describe('the tiny default pipeline', () => {
  let dir = '';
  let folder = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tiny-sd-'));
    folder = await writeTinyStableDiffusion(join(dir, 'tiny-sd'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('has the diffusers-ONNX layout with a Stable Diffusion DDIM scheduler config', async () => {
    assert.deepEqual((await readdir(folder)).sort(), ['model_index.json', 'scheduler', 'text_encoder', 'tokenizer', 'unet', 'vae_decoder', 'vae_encoder']);
    assert.deepEqual((await readdir(join(folder, 'tokenizer'))).sort(), ['merges.txt', 'special_tokens_map.json', 'tokenizer_config.json', 'vocab.json']);
    for (const component of ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder']) {
      assert.deepEqual((await readdir(join(folder, component))).sort(), ['config.json', 'model.onnx'], component);
    }
    const index = JSON.parse(await readFile(join(folder, 'model_index.json'), 'utf8'));
    assert.deepEqual(index.unet, ['diffusers', 'OnnxRuntimeModel']);
    const scheduler = parseSchedulerConfig(JSON.parse(await readFile(join(folder, 'scheduler', 'scheduler_config.json'), 'utf8')));
    assert.deepEqual({ ...scheduler, timestep_spacing: undefined }, { ...STABLE_DIFFUSION_SCHEDULER_CONFIG, timestep_spacing: undefined });
    assert.equal(scheduler.timestep_spacing, 'leading');
  });

  test('runs end to end: prompt → tokenizer → text_encoder → unet → vae_decoder, and vae_encoder', async () => {
    const tokenizer = await loadClipTokenizer(join(folder, 'tokenizer'));
    const textConfig = JSON.parse(await readFile(join(folder, 'text_encoder', 'config.json'), 'utf8'));
    assert.equal(textConfig.vocab_size, tokenizer.vocabularySize, 'the embedding table covers the vocabulary');
    const { ids } = tokenizer.encode('a photograph of an astronaut riding a horse');
    const text = await run(join(folder, 'text_encoder', 'model.onnx'), { input_ids: { type: 'int32', data: ids, dims: [1, 77] } });
    assert.deepEqual(text.last_hidden_state?.dims, [1, 77, 32]);
    finiteAndVaried(text.last_hidden_state, 'last_hidden_state');

    const latents = Float32Array.from({ length: 4 * 8 * 8 }, (_, i) => Math.sin(i * 1.7));
    const unet = await run(join(folder, 'unet', 'model.onnx'), {
      sample: { type: 'float32', data: latents, dims: [1, 4, 8, 8] },
      timestep: { type: 'float32', data: Float32Array.of(981), dims: [1] },
      encoder_hidden_states: text.last_hidden_state!,
    });
    assert.deepEqual(unet.out_sample?.dims, [1, 4, 8, 8]);
    finiteAndVaried(unet.out_sample, 'out_sample');

    const image = await run(join(folder, 'vae_decoder', 'model.onnx'), { latent_sample: unet.out_sample! });
    assert.deepEqual(image.sample?.dims, [1, 3, 64, 64]);
    finiteAndVaried(image.sample, 'decoded image');
    const encoded = await run(join(folder, 'vae_encoder', 'model.onnx'), { sample: image.sample! });
    assert.deepEqual(encoded.latent_sample?.dims, [1, 4, 8, 8]);
  });

  test('is the same bytes every time for the same seed, different for another seed', async () => {
    const again = await writeTinyStableDiffusion(join(dir, 'again'));
    const other = await writeTinyStableDiffusion(join(dir, 'other'), { seed: 7 });
    const unet = (root: string) => readFile(join(root, 'unet', 'model.onnx'));
    assert.ok((await unet(folder)).equals(await unet(again)));
    assert.ok(!(await unet(folder)).equals(await unet(other)));
  });

  test('an existing folder is kept unless overwrite is asked for', async () => {
    const target = join(dir, 'occupied');
    await writeTinyStableDiffusion(target);
    await writeFile(join(target, 'marker.txt'), 'mine');
    await assert.rejects(writeTinyStableDiffusion(target), (error: unknown) => error instanceof UserFacingError && /already exists/.test(error.message));
    assert.equal(await readFile(join(target, 'marker.txt'), 'utf8'), 'mine');
    await writeTinyStableDiffusion(target, { overwrite: true });
    assert.ok(!(await readdir(target)).includes('marker.txt'));
    assert.ok(!(await readdir(dir)).some((name) => name.startsWith('.occupied')), 'no staging folder left behind');
  });
});
