import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CommanderError } from 'commander';
import { models } from './models-program.js';
import { tinyPipelineConfigs } from '../../../app/models/sd/presets.js';
import { buildClipTextModel } from '../../../app/models/sd/clip-text.js';
import { parseClipTextConfig } from '../../../app/models/sd/clip-text-config.js';
import { writeSafetensors, type TensorToWrite } from '../../../app/models/weights/safetensors-writer.js';
import { SeededWeights } from '../../../app/models/weights/seeded-weights.js';

describe('scalecrafter models', () => {
  let dir = '';
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'models-cli-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  test('tiny writes the pipeline, then refuses to overwrite it without --force', async () => {
    const folder = join(dir, 'tiny');
    const { out } = await models(['tiny', '--out', folder]);
    assert.match(out, /wrote the tiny pipeline to .*tiny/);
    assert.ok((await readdir(folder)).includes('model_index.json'));
    await assert.rejects(models(['tiny', '--out', folder]), (error: unknown) => error instanceof CommanderError && /already exists.*--force/.test(error.message));
    await models(['tiny', '--out', folder, '--force']);
  });

  test('build --text-encoder builds from safetensors + config.json and warns about unused tensors by name', async () => {
    const json = tinyPipelineConfigs(1000).textEncoder;
    const tensors: Record<string, TensorToWrite> = {};
    const seeded = new SeededWeights(3);
    buildClipTextModel(parseClipTextConfig(json), { description: 'collector', tensor: (name, shape) => {
      const data = seeded.tensor(name, shape);
      tensors[name] = { dtype: 'F16', shape: [...shape], data };
      return data;
    } });
    tensors['text_model.text_projection.weight'] = { dtype: 'F32', shape: [2, 2], data: new Float32Array(4) };
    await writeSafetensors(join(dir, 'te.safetensors'), tensors);
    await writeFile(join(dir, 'te.json'), JSON.stringify(json));
    const out = join(dir, 'built');
    const result = await models(['build', '--text-encoder', join(dir, 'te.safetensors'), '--text-encoder-config', join(dir, 'te.json'), '--out', out, '--fp16']);
    assert.match(result.out, /wrote text_encoder into/);
    assert.match(result.err, /1 tensor\(s\) in .*te\.safetensors were not used.*text_model\.text_projection\.weight/);
    assert.deepEqual((await readdir(join(out, 'text_encoder'))).sort(), ['config.json', 'model.onnx']);
  });

  test('usage errors name the flags: a weights file without its config, no component at all, a bad resolution', async () => {
    await assert.rejects(models(['build', '--unet', 'x.safetensors', '--out', dir]), (error: unknown) => error instanceof CommanderError && /--unet and --config go together/.test(error.message));
    await assert.rejects(models(['build', '--out', dir]), (error: unknown) => error instanceof CommanderError && /give --preset/.test(error.message));
    await assert.rejects(models(['build', '--preset', 'sd15-random', '--resolution', '500', '--out', dir]), (error: unknown) => error instanceof CommanderError && /divisible by 8/.test(error.message));
    await assert.rejects(models(['build', '--preset', 'sd3', '--out', dir]), (error: unknown) => error instanceof CommanderError && /sd15-random/.test(error.message));
  });

  test('a config for another architecture is one error line naming the key', async () => {
    await writeFile(join(dir, 'sdxl.json'), JSON.stringify({ ...tinyPipelineConfigs(1000).unet, addition_embed_type: 'text_time' }));
    await writeSafetensors(join(dir, 'empty.safetensors'), {});
    await assert.rejects(
      models(['build', '--unet', join(dir, 'empty.safetensors'), '--config', join(dir, 'sdxl.json'), '--out', dir]),
      (error: unknown) => error instanceof CommanderError && /"addition_embed_type"/.test(error.message),
    );
  });
});
