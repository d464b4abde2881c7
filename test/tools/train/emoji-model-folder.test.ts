/**
 * tools/train/pack-model.ts's packing, on a stand-in training run: seeded float32 weights for the
 * committed emoji-pixel-32 configs, written as train.py writes them.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseSchedulerConfigText } from '../../../app/diffusion/schedulers/index.js';
import { pixelSpaceVaeConfig } from '../../../app/models/pixel-space-vae.js';
import { buildClipTextModel } from '../../../app/models/sd/clip-text.js';
import { parseClipTextConfig } from '../../../app/models/sd/clip-text-config.js';
import { buildUNet } from '../../../app/models/sd/unet.js';
import { parseUNetConfig } from '../../../app/models/sd/unet-config.js';
import { openSafetensors, SafetensorsWeights, SeededWeights, writeSafetensors, type TensorToWrite, type WeightSource } from '../../../app/models/weights/index.js';
import { serializeModel } from '../../../app/onnx/model-codec.js';
import { fromFloat16, toFloat16 } from '../../../app/runtime/float16.js';
import type { HostTensor } from '../../../app/runtime/host-tensor.js';
import { openSession } from '../../../app/runtime/session.js';
import { PackError, packModelFolder } from '../../../tools/train/emoji-model-folder.js';

const COMMITTED = fileURLToPath(new URL('../../../models/emoji-pixel-32', import.meta.url));
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

/** Hands out seeded weights and keeps every tensor a builder asked for, to be written as a checkpoint. */
class RecordedWeights implements WeightSource {
  readonly description = 'seeded weights, recorded';
  readonly tensors: Record<string, TensorToWrite> = {};
  readonly #seeded = new SeededWeights(8);
  tensor(name: string, shape: readonly number[]): Float32Array {
    const data = this.#seeded.tensor(name, shape);
    this.tensors[name] = { dtype: 'F32', shape: [...shape], data };
    return data;
  }
}

const TRAINING_SCHEDULER = {
  _class_name: 'DDPMScheduler', num_train_timesteps: 1000, beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, prediction_type: 'epsilon', clip_sample: false, steps_offset: 1,
};

/** A training run folder as train.py exports it, plus the tokenizer folder. */
async function fakeRun(scheduler: Record<string, unknown> = TRAINING_SCHEDULER): Promise<{ run: string; tokenizer: string }> {
  const run = mkdtempSync(path.join(tmpdir(), 'train-run-'));
  const unetConfig = readJson(path.join(COMMITTED, 'unet', 'config.json'));
  const textConfig = readJson(path.join(COMMITTED, 'text_encoder', 'config.json'));
  const metadata = { format: 'pt', step: '1234' };
  for (const [component, file, config, build] of [
    ['unet', 'diffusion_pytorch_model.safetensors', unetConfig, (weights: WeightSource) => buildUNet(parseUNetConfig(unetConfig), weights)],
    ['text_encoder', 'model.safetensors', textConfig, (weights: WeightSource) => buildClipTextModel(parseClipTextConfig(textConfig), weights)],
  ] as const) {
    mkdirSync(path.join(run, component));
    const recorded = new RecordedWeights();
    build(recorded);
    await writeSafetensors(path.join(run, component, file), recorded.tensors, metadata);
    writeFileSync(path.join(run, component, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  }
  mkdirSync(path.join(run, 'scheduler'));
  writeFileSync(path.join(run, 'scheduler', 'scheduler_config.json'), JSON.stringify(scheduler));
  return { run, tokenizer: path.join(COMMITTED, 'tokenizer') };
}

describe('packing a training run into a model folder', () => {
  let source: { run: string; tokenizer: string };
  let out: string;
  before(async () => {
    source = await fakeRun();
    out = path.join(mkdtempSync(path.join(tmpdir(), 'packed-')), 'emoji-pixel-32');
    await packModelFolder({ ...source, out });
  });

  test('writes the committed layout: float16 weights, configs, tokenizer, DDIM scheduler, identity VAE configs', () => {
    const files = (readdirSync(out, { recursive: true }) as string[]).map((file) => file.split(path.sep).join('/')).filter((file) => file.includes('.')).sort();
    const committed = (readdirSync(COMMITTED, { recursive: true }) as string[])
      .map((file) => file.split(path.sep).join('/'))
      .filter((file) => file.includes('.') && !file.endsWith('.onnx') && !file.startsWith('.'))
      .sort();
    assert.deepEqual(files, committed);
    for (const component of ['vae_decoder', 'vae_encoder']) assert.deepEqual(readJson(path.join(out, component, 'config.json')), pixelSpaceVaeConfig(3));
    const scheduler = parseSchedulerConfigText(readFileSync(path.join(out, 'scheduler', 'scheduler_config.json'), 'utf8'));
    assert.deepEqual(
      [scheduler.beta_schedule, scheduler.beta_start, scheduler.beta_end, scheduler.timestep_spacing, scheduler.steps_offset, scheduler.set_alpha_to_one],
      ['scaled_linear', 0.00085, 0.012, 'leading', 1, false],
    );
    assert.deepEqual(readJson(path.join(out, 'model_index.json')).scheduler, ['diffusers', 'DDIMScheduler']);
    assert.equal(readFileSync(path.join(out, 'unet', 'config.json'), 'utf8'), readFileSync(path.join(source.run, 'unet', 'config.json'), 'utf8'));
  });

  test('each weight is the float16 rounding of the run\'s float32 value; the run\'s metadata is kept', async () => {
    for (const [component, from, to] of [['unet', 'diffusion_pytorch_model.safetensors', 'diffusion_pytorch_model.fp16.safetensors'], ['text_encoder', 'model.safetensors', 'model.fp16.safetensors']]) {
      const original = await openSafetensors(path.join(source.run, component!, from!));
      const packed = await openSafetensors(path.join(out, component!, to!));
      try {
        assert.deepEqual(packed.tensorNames().sort(), original.tensorNames().sort());
        assert.equal(packed.metadata.step, '1234');
        for (const name of original.tensorNames()) {
          assert.equal(packed.info(name)!.dtype, 'F16');
          assert.deepEqual(packed.readSync(name), fromFloat16(toFloat16(original.readSync(name))), name);
        }
      } finally {
        await Promise.all([original.close(), packed.close()]);
      }
    }
  });

  test('the float16 weights move the UNet\'s output by at most 1e-2 on a 32² input (float32 graphs from each file)', async (t) => {
    const config = parseUNetConfig(readJson(path.join(source.run, 'unet', 'config.json')));
    const feeds: Record<string, HostTensor> = {
      sample: { type: 'float32', dims: [1, 3, 32, 32], data: Float32Array.from({ length: 3 * 32 * 32 }, (_, i) => Math.sin(i * 0.61)) },
      timestep: { type: 'float32', dims: [1], data: Float32Array.of(500) },
      encoder_hidden_states: { type: 'float32', dims: [1, 77, 64], data: Float32Array.from({ length: 77 * 64 }, (_, i) => Math.cos(i * 0.23)) },
    };
    const outputOf = async (file: string) => {
      const weights = await SafetensorsWeights.open(file);
      const session = await openSession(serializeModel(buildUNet(config, weights)), { executionProvider: 'cpu' });
      try {
        return (await session.run(feeds)).out_sample!.data as Float32Array;
      } finally {
        await Promise.all([session.release(), weights.close()]);
      }
    };
    const full = await outputOf(path.join(source.run, 'unet', 'diffusion_pytorch_model.safetensors'));
    const half = await outputOf(path.join(out, 'unet', 'diffusion_pytorch_model.fp16.safetensors'));
    const worst = full.reduce((max, value, i) => Math.max(max, Math.abs(value - half[i]!)), 0);
    const scale = full.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
    t.diagnostic(`max |Δ| = ${worst.toExponential(2)} (outputs up to ${scale.toFixed(2)})`);
    assert.ok(worst > 0 && worst <= 1e-2, `max |Δ| ${worst}`);
  });

  test('a run trained with another noise schedule is refused', async () => {
    const other = await fakeRun({ ...TRAINING_SCHEDULER, beta_schedule: 'linear' });
    await assert.rejects(packModelFolder({ ...other, out: path.join(other.run, 'packed') }), (error: unknown) => error instanceof PackError && /beta_schedule/.test(error.message));
  });
});

// Re-packing replaces the folder whole: graphs built from the old weights go with it.
test('packing again replaces the folder and what was built in it', async () => {
  const source = await fakeRun();
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'packed-')), 'emoji-pixel-32');
  await packModelFolder({ ...source, out });
  writeFileSync(path.join(out, 'unet', 'model.onnx'), 'stale');
  cpSync(path.join(out, 'unet', 'config.json'), path.join(out, 'unet', 'config.copy.json'));
  await packModelFolder({ ...source, out });
  assert.deepEqual(readdirSync(path.join(out, 'unet')).sort(), ['config.json', 'diffusion_pytorch_model.fp16.safetensors']);
});
