/**
 * Tiled decoding of a real pipeline folder: segments rebuilt from vae_decoder/config.json and the
 * initializers of vae_decoder/model.onnx (float32, and float16 written by the builder), and
 * decodeLatents with a tile size against decodeLatents without one.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { decodeLatents } from '../../../app/diffusion/pipeline/vae-codec.js';
import { segmentsForDecoderFile } from '../../../app/diffusion/vae-tiling/folder-decoder.js';
import { TiledVaeDecoder } from '../../../app/diffusion/vae-tiling/tiled-vae-decoder.js';
import { openPipelineFolder, type PipelineFolder } from '../../../app/models/pipeline-folder.js';
import { tinyPipelineConfigs } from '../../../app/models/sd/presets.js';
import { buildVaeDecoder } from '../../../app/models/sd/vae.js';
import { parseVaeConfig } from '../../../app/models/sd/vae-config.js';
import { serializeModel, writeModel } from '../../../app/onnx/model-io.js';
import { fromFloat16, toFloat16 } from '../../../app/runtime/float16.js';
import { openSession } from '../../../app/runtime/session.js';
import { NdArray, randn } from '../../reference/ndarray.js';
import { assertFloat16Close, VariedNormWeights } from '../../models/sd/harness.js';
import { tinyModelsDir } from '../../support/tiny-model.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

describe('tiled decoding of a pipeline folder', () => {
  let folder: PipelineFolder;
  before(async () => {
    folder = openPipelineFolder(path.join(await tinyModelsDir(), 'tiny-sd'));
  });

  test('decodeLatents with tiles gives the image decodeLatents gives whole, reports progress and memory', async () => {
    const latent = { samples: randn([1, 4, 12, 10], 3, 5).data, dims: [1, 4, 12, 10] as const };
    const whole = await decodeLatents(folder, latent, 'cpu');
    const progress: number[] = [];
    const info: string[] = [];
    const tiled = await decodeLatents(folder, latent, 'cpu', { tileSize: 48, onProgress: (done, total) => progress.push(done / total), onInfo: (text) => info.push(text) });
    assert.deepEqual([tiled.batch, tiled.height, tiled.width], [whole.batch, whole.height, whole.width]);
    const worst = tiled.pixels.reduce((max, value, i) => Math.max(max, Math.abs(value - whole.pixels[i]!)), 0);
    // Pixels in [0, 1] (half the [-1, 1] decoder range): the float32 tolerance of tiled-vae-decoder.test.ts, halved.
    assert.ok(worst <= 5e-5, `tiled pixels differ by ${worst}`);
    assert.equal(progress.at(-1), 1);
    assert.match(info.join('\n'), /4 tiles of at most 48 px .*GroupNorm statistics shared/);
    // A tile as large as the image decodes whole: nothing to report.
    info.length = 0;
    await decodeLatents(folder, latent, 'cpu', { tileSize: 96, onInfo: (text) => info.push(text) });
    assert.deepEqual(info, []);
  });

  test('a float16 decoder file gives float16 segments that decode like it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vae-tiling-fp16-'));
    const config = parseVaeConfig(tinyPipelineConfigs(1000).vae);
    const weights = new VariedNormWeights(9);
    const modelPath = path.join(dir, 'model.onnx');
    await writeModel(buildVaeDecoder(config, weights, { dtype: 'float16' }), modelPath);
    copyFileSync(path.join(path.dirname(folder.vaeDecoder), 'config.json'), path.join(dir, 'config.json'));
    const plan = await segmentsForDecoderFile(modelPath);
    assert.equal(plan.dtype, 'float16');
    const tiled = await TiledVaeDecoder.open(plan, 'cpu');
    const whole = await openSession(modelPath, { executionProvider: 'cpu' });
    try {
      const latents = randn([1, 4, 5, 6], 4);
      const decoded = await tiled.decode(latents.data, [1, 4, 5, 6], { tileSize: 3 });
      const out = (await whole.run({ latent_sample: { type: 'float16', data: toFloat16(latents.data), dims: [1, 4, 5, 6] } })).sample!;
      assertFloat16Close(new NdArray(decoded.dims, decoded.data), new NdArray([...out.dims], fromFloat16(out.data as Uint16Array)), 'float16 tiled vs float16 whole');
    } finally {
      await tiled.release();
      await whole.release();
    }
  });

  test('parameters an exporter renamed are found by the module of the node that uses them', async () => {
    // As torch's constant folding leaves them: "onnx::<Op>_<n>" (here every initializer, harsher than torch).
    // Norm weights away from 1 and 0, so a norm given another norm's parameters shows.
    const built = buildVaeDecoder(parseVaeConfig(tinyPipelineConfigs(1000).vae), new VariedNormWeights(10));
    const model = structuredClone(built);
    const renames = new Map(model.graph.initializer.map((tensor, i) => [tensor.name!, `onnx::Tensor_${i}`]));
    for (const tensor of model.graph.initializer) tensor.name = renames.get(tensor.name!)!;
    for (const node of model.graph.node) node.input = node.input.map((name) => renames.get(name) ?? name);
    const dir = mkdtempSync(path.join(tmpdir(), 'vae-tiling-renamed-'));
    await writeModel(model, path.join(dir, 'model.onnx'));
    copyFileSync(path.join(path.dirname(folder.vaeDecoder), 'config.json'), path.join(dir, 'config.json'));
    const tiled = await TiledVaeDecoder.open(await segmentsForDecoderFile(path.join(dir, 'model.onnx')), 'cpu');
    const whole = await openSession(serializeModel(built), { executionProvider: 'cpu' });
    try {
      const latents = randn([1, 4, 5, 4], 8, 3);
      const decoded = await tiled.decode(latents.data, [1, 4, 5, 4], { tileSize: 2 });
      const expected = (await whole.run({ latent_sample: { type: 'float32', data: latents.data, dims: [1, 4, 5, 4] } })).sample!.data as Float32Array;
      const worst = decoded.data.reduce((max, value, i) => Math.max(max, Math.abs(value - expected[i]!)), 0);
      assert.ok(worst <= 1e-4, `the renamed decoder's tiles differ by ${worst}`);
    } finally {
      await tiled.release();
      await whole.release();
    }
  });

  test('a decoder without config.json, or with a config.json of another model, fails with what to do', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vae-tiling-bad-'));
    const bare = path.join(dir, 'bare');
    mkdirSync(bare);
    copyFileSync(folder.vaeDecoder, path.join(bare, 'model.onnx'));
    await assert.rejects(segmentsForDecoderFile(path.join(bare, 'model.onnx')), (error: Error) => error instanceof UserFacingError && /config\.json is missing/.test(error.message));

    const other = path.join(dir, 'other');
    mkdirSync(other);
    copyFileSync(folder.vaeDecoder, path.join(other, 'model.onnx'));
    writeFileSync(path.join(other, 'config.json'), JSON.stringify({ ...tinyPipelineConfigs(1000).vae, block_out_channels: [32, 32, 64, 128] }));
    await assert.rejects(segmentsForDecoderFile(path.join(other, 'model.onnx')), (error: unknown) =>
      error instanceof UserFacingError
      && /"decoder\.conv_in\.weight" has shape \[64, 4, 3, 3\] but \[128, 4, 3, 3\] was expected/.test(error.message)
      && /vae_decoder\/config\.json does not describe this model/.test(error.hint ?? ''));
  });
});
