/**
 * ImageStitch in a real graph on tiny-sd: two seeds sampled and decoded, stitched side by side with
 * a red strip, and saved. The saved PNG is the two decoded images' PNGs with the strip between,
 * byte for byte (match_image_size off: the pixels are copied; on, the right image would go through
 * lanczos's 8-bit truncation as in ComfyUI). A stitch without image2 saves image1.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { decodePng, type DecodedPng } from '../../app/imaging/png-metadata.js';
import { TINY_SD_SIDE } from '../support/default-workflow.js';
import { EngineHarness, type JobRecord } from '../support/engine-harness.js';
import { tinyModelsDir } from '../support/tiny-model.js';
import { WorkflowBuilder } from '../support/workflow-builder.js';

describe('ImageStitch on tiny-sd', () => {
  let engine: EngineHarness;
  before(async () => {
    engine = new EngineHarness({ modelsDir: await tinyModelsDir() });
  });

  function savedPng(job: JobRecord, save: number): DecodedPng {
    const [image] = job.outputOf(String(save))!.images as Array<{ filename: string; subfolder: string }>;
    return decodePng(readFileSync(path.join(engine.outputDir, image!.subfolder, image!.filename)));
  }

  test('two seeds side by side with a strip of 3 (→ 4) red columns; without image2, image1', async () => {
    const graph = new WorkflowBuilder(engine.registry);
    const loader = graph.add('LoadCheckpoint', { model: 'tiny-sd' });
    const positive = graph.add('TextEncode', { text: 'a red circle' });
    const negative = graph.add('TextEncode', { text: '' });
    const latent = graph.add('EmptyLatentImage', { width: TINY_SD_SIDE, height: TINY_SD_SIDE, batch_size: 1 });
    for (const encode of [positive, negative]) graph.connect(loader, 1, encode, 'clip');
    const save = (from: number, prefix: string) => {
      const node = graph.add('SaveImage', { filename_prefix: prefix });
      graph.connect(from, 0, node, 'images');
      return node;
    };
    const decoded = (seed: number) => {
      const sampler = graph.add('Sampler', { seed, steps: 3, cfg: 4, sampler: 'euler', scheduler: 'normal', denoise: 1 });
      graph.connect(loader, 0, sampler, 'model');
      graph.connect(positive, 0, sampler, 'positive');
      graph.connect(negative, 0, sampler, 'negative');
      graph.connect(latent, 0, sampler, 'latent');
      const decode = graph.add('VAEDecode', { tile_size: 0 });
      graph.connect(sampler, 0, decode, 'samples');
      graph.connect(loader, 2, decode, 'vae');
      return decode;
    };
    const [left, right] = [decoded(1), decoded(2)];
    const stitch = graph.add('ImageStitch', { direction: 'right', match_image_size: false, spacing_width: 3, spacing_color: 'red' });
    graph.connect(left, 0, stitch, 'image1');
    graph.connect(right, 0, stitch, 'image2');
    const alone = graph.add('ImageStitch', { spacing_width: 8 });
    graph.connect(left, 0, alone, 'image1');
    const saves = { left: save(left, 'left'), right: save(right, 'right'), stitched: save(stitch, 'stitched'), alone: save(alone, 'alone') };

    const job = await engine.run(graph.build());
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const [leftPng, rightPng, stitched, alonePng] = [saves.left, saves.right, saves.stitched, saves.alone].map((node) => savedPng(job, node)) as [DecodedPng, DecodedPng, DecodedPng, DecodedPng];
    const side = TINY_SD_SIDE;
    assert.deepEqual([stitched.width, stitched.height, stitched.channels], [2 * side + 4, side, 3]);
    assert.notDeepEqual(leftPng.data, rightPng.data, 'two seeds, two images');

    const columns = (png: DecodedPng, from: number, to: number) => {
      const bytes: number[] = [];
      for (let y = 0; y < png.height; y++) bytes.push(...png.data.subarray((y * png.width + from) * 3, (y * png.width + to) * 3));
      return bytes;
    };
    assert.deepEqual(columns(stitched, 0, side), Array.from(leftPng.data), 'left: seed 1');
    assert.deepEqual(columns(stitched, side, side + 4), Array.from({ length: side * 4 }, () => [255, 0, 0]).flat(), 'the strip');
    assert.deepEqual(columns(stitched, side + 4, 2 * side + 4), Array.from(rightPng.data), 'right: seed 2');
    assert.deepEqual([alonePng.width, alonePng.height, Array.from(alonePng.data)], [side, side, Array.from(leftPng.data)]);
  });
});
