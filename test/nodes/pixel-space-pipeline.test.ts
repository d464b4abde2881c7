/**
 * The bundled pixel-space model (models/emoji-pixel-32: UNet on 3-channel 32² pixels, identity VAE)
 * through the ordinary nodes: LoadCheckpoint builds its graphs from the committed sources on first
 * use, EmptyLatentImage's size becomes a 3-channel latent at image resolution in the Sampler, and
 * the identity VAE decodes and encodes exactly. The SD path (tiny-sd: 4 channels, /8) beside it.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import type { NodeContext } from '../../app/engine/node-definition.js';
import type { ClipHandle, Latent, LatentValue, ModelHandle, VaeHandle } from '../../app/diffusion/pipeline/values.js';
import type { ImageBatch } from '../../app/imaging/image-batch.js';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { BUILD_STAMP_FILE } from '../../app/models/pipeline-sources.js';
import type { PreviewImage } from '../../app/protocol/index.js';
import { emptyLatentImage } from '../../nodes/empty-latent-image.js';
import { loadCheckpointNode } from '../../nodes/load-checkpoint.js';
import { sampler } from '../../nodes/sampler.js';
import { textEncode } from '../../nodes/text-encode.js';
import { vaeDecode } from '../../nodes/vae-decode.js';
import { vaeEncode } from '../../nodes/vae-encode.js';
import { defaultWorkflow, nodeOfType } from '../support/default-workflow.js';
import { EMOJI_MODEL_NAME, emojiSourcesCopy } from '../support/emoji-model.js';
import { EngineHarness } from '../support/engine-harness.js';
import { tinyModelsDir } from '../support/tiny-model.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

interface Recorded {
  messages: string[];
  previews: PreviewImage[];
}

function nodeContext(recorded: Recorded = { messages: [], previews: [] }): NodeContext {
  return {
    jobId: 'test',
    nodeId: '1',
    signal: new AbortController().signal,
    outputDir: '/nonexistent',
    executionProvider: 'cpu',
    embeddedWorkflow: () => ({}),
    progress: (_value, _max, preview) => preview && recorded.previews.push(preview),
    message: (level, text) => recorded.messages.push(`${level}: ${text}`),
  };
}

interface Loaded {
  model: ModelHandle;
  clip: ClipHandle;
  vae: VaeHandle;
}

async function load(modelsDir: string, name: string, recorded?: Recorded): Promise<Loaded> {
  const { outputs } = await loadCheckpointNode({ modelsDir }).execute({ model: name, prediction: undefined }, nodeContext(recorded));
  const [model, clip, vae] = outputs as [ModelHandle, ClipHandle, VaeHandle];
  return { model, clip, vae };
}

async function sample(loaded: Loaded, latent: LatentValue, recorded?: Recorded): Promise<Latent> {
  const encode = async (text: string) => (await textEncode.execute({ clip: loaded.clip, text }, nodeContext())).outputs[0] as never;
  const inputs = {
    model: loaded.model,
    positive: await encode('grinning face, twemoji'),
    negative: await encode(''),
    latent,
    seed: 1,
    steps: 2,
    cfg: 3,
    sampler: 'ddim',
    scheduler: 'normal',
    eta: 0,
    denoise: 1,
  } as const;
  return (await sampler.execute(inputs, nodeContext(recorded))).outputs[0] as Latent;
}

const emptyLatent = async (width: number, height: number) =>
  (await emptyLatentImage.execute({ width, height, batch_size: 1 }, nodeContext())).outputs[0] as LatentValue;

const buildMessages = (recorded: Recorded) => recorded.messages.filter((text) => /building the ONNX graphs/.test(text));

describe('the pixel-space model emoji-pixel-32', () => {
  let modelsDir: string;
  let emoji: Loaded;
  before(async () => {
    modelsDir = emojiSourcesCopy();
  });

  test('LoadCheckpoint builds its graphs on first use, again only when the sources change', async () => {
    const first: Recorded = { messages: [], previews: [] };
    emoji = await load(modelsDir, EMOJI_MODEL_NAME, first);
    assert.equal(buildMessages(first).length, 1, first.messages.join('\n'));
    const root = path.join(modelsDir, EMOJI_MODEL_NAME);
    for (const component of ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder']) assert.ok(existsSync(path.join(root, component, 'model.onnx')), component);
    assert.deepEqual(
      [emoji.model.folder.latentChannels, emoji.model.folder.vaeScaleFactor, emoji.model.folder.pixelSpace, emoji.model.folder.latentScale],
      [3, 1, true, 1],
    );

    const again: Recorded = { messages: [], previews: [] };
    await load(modelsDir, EMOJI_MODEL_NAME, again);
    assert.deepEqual(buildMessages(again), [], 'built graphs are reused');

    appendFileSync(path.join(root, 'unet', 'config.json'), '\n');
    const changed: Recorded = { messages: [], previews: [] };
    emoji = await load(modelsDir, EMOJI_MODEL_NAME, changed);
    assert.equal(buildMessages(changed).length, 1, 'a changed source file means a rebuild');
    assert.ok(existsSync(path.join(root, BUILD_STAMP_FILE)));
  });

  test('sources that cannot be built are reported on LoadCheckpoint\'s model field', async () => {
    const damaged = emojiSourcesCopy();
    const weights = path.join(damaged, EMOJI_MODEL_NAME, 'unet', 'diffusion_pytorch_model.fp16.safetensors');
    writeFileSync(weights, readFileSync(weights).subarray(0, 4000));
    await assert.rejects(load(damaged, EMOJI_MODEL_NAME), (error: unknown) => {
      assert.ok(error instanceof UserFacingError);
      assert.equal(error.field, 'model');
      assert.match(error.message, /building .*emoji-pixel-32 from its sources failed: .*diffusion_pytorch_model\.fp16\.safetensors/);
      return true;
    });
  });

  for (const [width, height] of [[32, 32], [64, 48]] as const) {
    test(`EmptyLatentImage ${width}×${height} + Sampler give a [1,3,${height},${width}] latent; VAEDecode gives that image exactly`, async () => {
      const recorded: Recorded = { messages: [], previews: [] };
      const latent = await sample(emoji, await emptyLatent(width, height), recorded);
      assert.deepEqual(latent.dims, [1, 3, height, width]);
      assert.ok(latent.samples.every(Number.isFinite));
      assert.deepEqual(recorded.messages.filter((text) => text.startsWith('warning')), []);
      assert.ok(recorded.previews.length === 2 && recorded.previews.every((preview) => preview.width === width && preview.height === height));

      const image = (await vaeDecode.execute({ samples: latent, vae: emoji.vae, tile_size: 0 }, nodeContext())).outputs[0] as ImageBatch;
      assert.deepEqual([image.batch, image.height, image.width], [1, height, width]);
      // Identity decode: pixel (y, x) channel c is the latent's value mapped from [-1, 1], clamped.
      const plane = height * width;
      let worst = 0;
      for (let p = 0; p < plane; p++) {
        for (let c = 0; c < 3; c++) {
          const expected = Math.min(1, Math.max(0, latent.samples[c * plane + p]! / 2 + 0.5));
          worst = Math.max(worst, Math.abs(image.pixels[p * 3 + c]! - expected));
        }
      }
      assert.ok(worst <= 1e-7, `decode differs from the identity by ${worst}`);
    });
  }

  test('VAEEncode gives the image in [-1, 1] as the latent, exactly', async () => {
    const pixels = Float32Array.from({ length: 2 * 36 * 44 * 3 }, (_, i) => ((i * 37) % 256) / 255);
    const images: ImageBatch = { batch: 2, height: 36, width: 44, pixels };
    const latent = (await vaeEncode.execute({ pixels: images, vae: emoji.vae }, nodeContext())).outputs[0] as Latent;
    assert.deepEqual(latent.dims, [2, 3, 36, 44]);
    const plane = 36 * 44;
    for (let b = 0; b < 2; b++) {
      for (let p = 0; p < plane; p++) {
        for (let c = 0; c < 3; c++) assert.equal(latent.samples[(b * 3 + c) * plane + p], Math.fround(pixels[(b * plane + p) * 3 + c]! * 2 - 1));
      }
    }
  });

  test('a latent with the wrong channel count is refused by the Sampler, naming its latent field', async () => {
    const fourChannels: Latent = { samples: new Float32Array(4 * 8 * 8), dims: [1, 4, 8, 8] };
    await assert.rejects(sample(emoji, fourChannels), (error: unknown) => {
      assert.ok(error instanceof UserFacingError);
      assert.equal(error.field, 'latent');
      assert.match(error.message, /4 channels but emoji-pixel-32 works on 3-channel latents/);
      return true;
    });
  });

  test('the whole prompt through the engine writes a PNG of the requested size', async () => {
    const engine = new EngineHarness({ modelsDir });
    const workflow = defaultWorkflow();
    nodeOfType(workflow, 'LoadCheckpoint').widgets.model = EMOJI_MODEL_NAME;
    nodeOfType(workflow, 'TextEncode', 0).widgets.text = 'grinning face, twemoji';
    Object.assign(nodeOfType(workflow, 'EmptyLatentImage').widgets, { width: 64, height: 32 });
    Object.assign(nodeOfType(workflow, 'Sampler').widgets, { steps: 3 });
    const job = await engine.run(workflow);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const saved = job.outputOf(String(nodeOfType(workflow, 'SaveImage').id))?.images as Array<{ filename: string; subfolder: string }>;
    const png = decodePng(readFileSync(path.join(engine.outputDir, saved[0]!.subfolder, saved[0]!.filename)));
    assert.deepEqual([png.width, png.height], [64, 32]);
  });
});

describe('the SD latent space beside it (tiny-sd)', () => {
  test('EmptyLatentImage + Sampler give a [1,4,H/8,W/8] latent; a 3-channel pixel latent is refused by field', async () => {
    const tiny = await load(await tinyModelsDir(), 'tiny-sd');
    assert.deepEqual([tiny.model.folder.latentChannels, tiny.model.folder.vaeScaleFactor, tiny.model.folder.pixelSpace], [4, 8, false]);
    const latent = await sample(tiny, await emptyLatent(64, 48));
    assert.deepEqual(latent.dims, [1, 4, 6, 8]);
    const pixelLatent: Latent = { samples: new Float32Array(3 * 32 * 32), dims: [1, 3, 32, 32] };
    await assert.rejects(sample(tiny, pixelLatent), (error: unknown) => error instanceof UserFacingError && error.field === 'latent' && /3 channels but tiny-sd works on 4-channel/.test(error.message));
  });
});
