/**
 * ComfyUI's core nodes in graphs on tiny-sd, through the engine: conditioning lists reach the
 * Sampler's guidance, KSamplerAdvanced chains, and the images say so.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { decodePng } from '../../app/imaging/png-metadata.js';
import type { WidgetValue } from '../../app/protocol/index.js';
import { TINY_SD_SIDE } from '../support/default-workflow.js';
import { EngineHarness } from '../support/engine-harness.js';
import { tinyModelsDir } from '../support/tiny-model.js';
import { WorkflowBuilder } from '../support/workflow-builder.js';

const SAMPLING = { seed: 3, steps: 4, cfg: 4, sampler: 'euler', scheduler: 'normal', denoise: 1 } as const;

describe('ComfyUI core nodes on tiny-sd', () => {
  let engine: EngineHarness;
  let runs = 0;
  before(async () => {
    engine = new EngineHarness({ modelsDir: await tinyModelsDir() });
  });

  /**
   * Runs loader → prompts → `positive(graph, encode)` → sampler(s) → decode → save and returns the
   * pixels. `encode(text)` adds a TextEncode and returns its id; `wire` feeds a sampler the model,
   * both prompts and a latent (the empty one unless `from` names another node).
   */
  async function pixels(
    positive: (graph: WorkflowBuilder, encode: (text: string) => number) => number,
    sample: (graph: WorkflowBuilder, wire: (node: number, latentInput: string, from?: number) => void) => number = (graph, wire) => {
      const sampler = graph.add('Sampler', { ...SAMPLING });
      wire(sampler, 'latent');
      return sampler;
    },
  ): Promise<Uint8Array> {
    const graph = new WorkflowBuilder(engine.registry);
    const loader = graph.add('LoadCheckpoint', { model: 'tiny-sd' });
    const encode = (text: string) => {
      const node = graph.add('TextEncode', { text });
      graph.connect(loader, 1, node, 'clip');
      return node;
    };
    const conditioning = positive(graph, encode);
    const negative = encode('');
    const latent = graph.add('EmptyLatentImage', { width: TINY_SD_SIDE, height: TINY_SD_SIDE, batch_size: 1 });
    const wire = (node: number, latentInput: string, from: number = latent) => {
      graph.connect(loader, 0, node, 'model');
      graph.connect(conditioning, 0, node, 'positive');
      graph.connect(negative, 0, node, 'negative');
      graph.connect(from, 0, node, latentInput);
    };
    const last = sample(graph, wire);
    const decode = graph.add('VAEDecode', { tile_size: 0 });
    graph.connect(last, 0, decode, 'samples');
    graph.connect(loader, 2, decode, 'vae');
    const save = graph.add('SaveImage', { filename_prefix: `core-${runs++}` });
    graph.connect(decode, 0, save, 'images');
    const job = await engine.run(graph.build());
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const [image] = job.outputOf(String(save))!.images as Array<{ filename: string; subfolder: string }>;
    return decodePng(readFileSync(path.join(engine.outputDir, image!.subfolder, image!.filename))).data;
  }

  const maxDifference = (a: Uint8Array, b: Uint8Array) => a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);
  const timed = (graph: WorkflowBuilder, source: number, range: Record<string, WidgetValue>) => {
    const node = graph.add('ConditioningSetTimestepRange', range);
    graph.connect(source, 0, node, 'conditioning');
    return node;
  };
  const combined = (graph: WorkflowBuilder, first: number, second: number) => {
    const node = graph.add('ConditioningCombine');
    graph.connect(first, 0, node, 'conditioning_1');
    graph.connect(second, 0, node, 'conditioning_2');
    return node;
  };

  test('Combine of a prompt with itself gives that prompt\'s image (the mean of equal predictions; batch size may round the UNet: ≤ 1 level)', async () => {
    const alone = await pixels((_, encode) => encode('a red circle'));
    const twice = await pixels((graph, encode) => combined(graph, encode('a red circle'), encode('a red circle')));
    assert.ok(maxDifference(alone, twice) <= 1, `differs by ${maxDifference(alone, twice)}`);
  });

  test('a combined entry whose timestep range is empty never applies; ranges that split the schedule switch prompts part-way', async () => {
    const red = await pixels((_, encode) => encode('a red circle'));
    const blue = await pixels((_, encode) => encode('a blue square'));
    const never = await pixels((graph, encode) => combined(graph, encode('a red circle'), timed(graph, encode('a blue square'), { start: 0, end: 0 })));
    assert.deepEqual(never, red);
    const switched = await pixels((graph, encode) => combined(graph, timed(graph, encode('a red circle'), { start: 0, end: 0.5 }), timed(graph, encode('a blue square'), { start: 0.5, end: 1 })));
    assert.ok(maxDifference(switched, red) > 0 && maxDifference(switched, blue) > 0);
  });

  test('two KSamplerAdvanced (0–2 with leftover noise, 2–end adding none) give the Sampler\'s image', async () => {
    const prompt = (_: WorkflowBuilder, encode: (text: string) => number) => encode('a red circle');
    const single = await pixels(prompt);
    const chained = await pixels(prompt, (graph, wire) => {
      const common = { noise_seed: SAMPLING.seed, steps: SAMPLING.steps, cfg: SAMPLING.cfg, sampler_name: 'euler', scheduler: 'normal' };
      const first = graph.add('KSamplerAdvanced', { ...common, add_noise: 'enable', start_at_step: 0, end_at_step: 2, return_with_leftover_noise: 'enable' });
      wire(first, 'latent_image');
      const second = graph.add('KSamplerAdvanced', { ...common, add_noise: 'disable', start_at_step: 2, end_at_step: 10000, return_with_leftover_noise: 'disable' });
      wire(second, 'latent_image', first);
      return second;
    });
    assert.deepEqual(chained, single);
  });
});
