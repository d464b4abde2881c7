/**
 * A ComfyUI API-format graph of the core nodes — clip skip, prompts switched part-way by timestep
 * ranges and combined, an SDXL-style zeroed negative, a base/refine split over two KSamplerAdvanced,
 * and a hires-fix upscale — imported with the app's registry and run on tiny-sd.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { importComfyUi } from '../../../app/engine/comfyui/import-comfyui.js';
import { decodePng } from '../../../app/imaging/png-metadata.js';
import { TINY_SD_SIDE } from '../../support/default-workflow.js';
import { EngineHarness } from '../../support/engine-harness.js';
import { tinyModelsDir } from '../../support/tiny-model.js';

const advanced = (latent: [string, number], addNoise: string, start: number, end: number, leftover: string) => ({
  class_type: 'KSamplerAdvanced',
  inputs: { model: ['1', 0], positive: ['8', 0], negative: ['9', 0], latent_image: latent, add_noise: addNoise, noise_seed: 5, steps: 4, cfg: 6, sampler_name: 'euler_ancestral', scheduler: 'normal', start_at_step: start, end_at_step: end, return_with_leftover_noise: leftover },
});

const API_GRAPH = {
  1: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'tiny-sd' } },
  2: { class_type: 'CLIPSetLastLayer', inputs: { clip: ['1', 1], stop_at_clip_layer: -2 } },
  3: { class_type: 'CLIPTextEncode', inputs: { clip: ['2', 0], text: 'a red circle' } },
  4: { class_type: 'CLIPTextEncode', inputs: { clip: ['2', 0], text: 'a blue square' } },
  5: { class_type: 'ConditioningSetTimestepRange', inputs: { conditioning: ['3', 0], start: 0, end: 0.4 } },
  6: { class_type: 'ConditioningSetTimestepRange', inputs: { conditioning: ['4', 0], start: 0.4, end: 1 } },
  7: { class_type: 'ConditioningConcat', inputs: { conditioning_to: ['6', 0], conditioning_from: ['3', 0] } },
  8: { class_type: 'ConditioningCombine', inputs: { conditioning_1: ['5', 0], conditioning_2: ['7', 0] } },
  9: { class_type: 'ConditioningZeroOut', inputs: { conditioning: ['3', 0] } },
  10: { class_type: 'EmptyLatentImage', inputs: { width: TINY_SD_SIDE, height: TINY_SD_SIDE, batch_size: 1 } },
  11: advanced(['10', 0], 'enable', 0, 2, 'enable'),
  12: advanced(['11', 0], 'disable', 2, 10000, 'disable'),
  13: { class_type: 'LatentUpscaleBy', inputs: { samples: ['12', 0], upscale_method: 'bislerp', scale_by: 1.5 } },
  14: { class_type: 'KSampler', inputs: { model: ['1', 0], positive: ['8', 0], negative: ['9', 0], latent_image: ['13', 0], seed: 5, steps: 4, cfg: 6, sampler_name: 'dpmpp_2m', scheduler: 'karras', denoise: 0.5 } },
  15: { class_type: 'VAEDecode', inputs: { samples: ['14', 0], vae: ['1', 2] } },
  16: { class_type: 'ImageScaleBy', inputs: { image: ['15', 0], upscale_method: 'area', scale_by: 0.5 } },
  17: { class_type: 'SaveImage', inputs: { images: ['16', 0], filename_prefix: 'core' } },
};

describe('ComfyUI\'s core nodes imported from an API-format file', () => {
  let engine: EngineHarness;
  before(async () => {
    engine = new EngineHarness({ modelsDir: await tinyModelsDir() });
  });

  test('every node maps onto a node of ours, with its values', () => {
    const result = importComfyUi(API_GRAPH, engine.registry);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.unknownTypes, []);
    const types = result.workflow.nodes.map((node) => node.type);
    assert.ok(['KSamplerAdvanced', 'CLIPSetLastLayer', 'ConditioningCombine', 'ConditioningConcat', 'ConditioningZeroOut', 'ConditioningSetTimestepRange', 'LatentUpscaleBy', 'ImageScaleBy'].every((type) => types.includes(type)));
    const first = result.workflow.nodes.find((node) => node.id === 11)!;
    assert.deepEqual(first.widgets, { add_noise: 'enable', noise_seed: 5, steps: 4, cfg: 6, sampler_name: 'euler_ancestral', scheduler: 'normal', start_at_step: 0, end_at_step: 2, return_with_leftover_noise: 'enable' });
    assert.deepEqual(engine.service.handle('validate', { workflow: result.workflow }), { issues: [] });
  });

  test('runs to an image of 1.5 × 0.5 the latent\'s side', async () => {
    const job = await engine.run(API_GRAPH);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const [image] = job.outputOf('17')!.images as Array<{ filename: string; subfolder: string }>;
    const png = decodePng(readFileSync(path.join(engine.outputDir, image!.subfolder, image!.filename)));
    const progress = job.events.filter((event) => event.type === 'progress');
    // Steps 0–2 and 2–4 of the split, then denoise 0.5 of 4 steps.
    assert.deepEqual(['11', '12', '14'].map((id) => progress.filter((event) => event.nodeId === id).length), [2, 2, 2]);
    // Latent side × 1.5 (rounded), decoded × 8, then × 0.5.
    const side = Math.round(Math.round((TINY_SD_SIDE / 8) * 1.5) * 8 * 0.5);
    assert.deepEqual([png.width, png.height], [side, side]);
  });

  test('LoadImage maps onto ours with its file name kept; VAELoader, PreviewImage and SaveImage map too', () => {
    const result = importComfyUi({
      1: { class_type: 'LoadImage', inputs: { image: 'example.png', upload: 'image' } },
      2: { class_type: 'ImageScale', inputs: { image: ['1', 0], upscale_method: 'bicubic', width: 64, height: 0, crop: 'center' } },
      3: { class_type: 'PreviewImage', inputs: { images: ['2', 0] } },
      4: { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'x' } },
      5: { class_type: 'VAELoader', inputs: { vae_name: 'vae.safetensors' } },
    }, engine.registry);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.unknownTypes, []);
    assert.deepEqual(result.workflow.nodes.map((node) => node.type).sort(), ['ImageScale', 'LoadImage', 'PreviewImage', 'SaveImage', 'VAELoader']);
    assert.equal(result.workflow.nodes.find((node) => node.type === 'LoadImage')!.widgets.image, 'example.png');
  });
});
