import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { decodePng } from '../../app/imaging/png-metadata.js';
import type { Workflow, WorkflowNode } from '../../app/protocol/index.js';
import { scaledRule } from '../../tools/emoji-scalecrafter-rule.js';
import { nodeOfType } from '../support/default-workflow.js';
import { EMOJI_MODEL_NAME, emojiSourcesCopy } from '../support/emoji-model.js';
import { EngineHarness } from '../support/engine-harness.js';

const folder = new URL('../../workflows/', import.meta.url);
const files = readdirSync(folder).filter((name) => name.endsWith('.json')).sort();
const read = (name: string) => JSON.parse(readFileSync(new URL(name, folder), 'utf8')) as Workflow;
/** The emoji model's training side: its UNet's sample_size, in pixels (no VAE downscaling). */
const trainingSide = (JSON.parse(readFileSync(new URL(`../../models/${EMOJI_MODEL_NAME}/unet/config.json`, import.meta.url), 'utf8')) as { sample_size: number }).sample_size;

describe('the shipped example workflows', () => {
  let engine: EngineHarness;
  before(() => {
    engine = new EngineHarness({ modelsDir: emojiSourcesCopy() });
  });

  test('there is one per scale class besides the default, the hires-fix baselines, the SDXL pair, area composition and the comparison', () => {
    assert.deepEqual(files, ['area-composition.json', 'compare-16x.json', 'default.json', 'hires-fix-16x.json', 'hires-fix-4x.json', 'scalecrafter-16x.json', 'scalecrafter-4x.json', 'scalecrafter-6.25x.json', 'scalecrafter-8x.json', 'sdxl-scalecrafter-4x.json', 'sdxl.json']);
  });

  for (const file of files) {
    test(`${file} is valid and current (opens without migrations)`, () => {
      assert.deepEqual(engine.service.handle('validate', { workflow: read(file) }), { issues: [] });
      assert.deepEqual(engine.service.handle('loadWorkflow', { workflow: read(file) }), { ok: true, workflow: read(file), notes: [], unknownTypes: [] });
    });
  }

  for (const file of files.filter((name) => name.startsWith('scalecrafter-'))) {
    test(`${file} carries the emoji rule for its pixel ratio (tools/emoji-scalecrafter-rule.ts, what bench:fidelity measures)`, () => {
      const workflow = read(file);
      assert.equal(nodeOfType(workflow, 'LoadCheckpoint').widgets.model, nodeOfType(read('default.json'), 'LoadCheckpoint').widgets.model);
      const { width, height } = nodeOfType(workflow, 'EmptyLatentImage').widgets;
      const ratio = (Number(width) * Number(height)) / trainingSide ** 2;
      assert.equal(ratio, Number(file.match(/scalecrafter-([\d.]+)x\.json/)![1]), 'the file name states the pixel ratio');
      const rule = scaledRule(ratio);
      const { layers, end, progressive } = nodeOfType(workflow, 'ReDilate').widgets;
      assert.deepEqual({ layers, end, progressive }, { layers: rule.dilation, end: rule.tau, progressive: rule.progressive });
      const noiseDamped = workflow.nodes.find((node) => node.type === 'NoiseDampedCFG');
      if (noiseDamped) assert.deepEqual([noiseDamped.widgets.layers, noiseDamped.widgets.end], [rule.noiseDampedBase, rule.tau]);
    });
  }

  for (const file of ['scalecrafter-4x.json', 'scalecrafter-8x.json']) {
    test(`${file} runs its patches through the Sampler (shortened)`, async () => {
      const workflow = read(file);
      Object.assign(nodeOfType(workflow, 'Sampler').widgets, { steps: 4 });
      const latent = nodeOfType(workflow, 'EmptyLatentImage').widgets;
      // Half the size keeps the test quick; the layer choice is what is being exercised.
      Object.assign(latent, { width: Number(latent.width) / 2, height: Number(latent.height) / 2 });
      const job = await engine.run(workflow);
      assert.equal(job.end.type, 'done', JSON.stringify(job.end));
      const types = new Map(workflow.nodes.map((node) => [String(node.id), node.type]));
      const ran = job.executed.map((id) => types.get(id));
      assert.ok(ran.includes('ReDilate'));
      if (file === 'scalecrafter-8x.json') assert.ok(ran.includes('NoiseDampedCFG'));
    });
  }
});

describe('compare-16x.json', () => {
  test('feeds one seed to a plain and a re-dilated Sampler on the same prompts and latent, and saves them side by side', async () => {
    const workflow = read('compare-16x.json');
    const samplers = workflow.nodes.filter((node) => node.type === 'Sampler');
    const sourceOf = (node: WorkflowNode, input: string) => {
      const link = workflow.links.find((candidate) => candidate.id === node.inputs.find((socket) => socket.name === input)?.link);
      return link && workflow.nodes.find((candidate) => candidate.id === link.origin_id)!;
    };
    assert.equal(samplers.length, 2);
    for (const input of ['positive', 'negative', 'latent', 'seed']) assert.equal(sourceOf(samplers[0]!, input)!.id, sourceOf(samplers[1]!, input)!.id, input);
    assert.equal(sourceOf(samplers[0]!, 'seed')!.type, 'PrimitiveInt');
    assert.deepEqual(samplers.map((sampler) => sourceOf(sampler, 'model')!.type), ['LoadCheckpoint', 'ReDilate']);
    const { width, height } = nodeOfType(workflow, 'EmptyLatentImage').widgets;
    const rule = scaledRule((Number(width) * Number(height)) / trainingSide ** 2);
    assert.equal(Number(width) * Number(height), 16 * trainingSide ** 2);
    assert.deepEqual(nodeOfType(workflow, 'ReDilate').widgets.layers, rule.dilation);

    // Shortened: 2 steps at the training size; the picture is Direct | 4 px | ScaleCrafter, enlarged 2×.
    Object.assign(nodeOfType(workflow, 'EmptyLatentImage').widgets, { width: trainingSide, height: trainingSide });
    for (const sampler of samplers) sampler.widgets.steps = 2;
    const engine = new EngineHarness({ modelsDir: emojiSourcesCopy() });
    const job = await engine.run(workflow);
    const out = engine.outputDir;
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const saved = readdirSync(out, { recursive: true }).map(String).filter((name) => name.endsWith('.png'));
    assert.equal(saved.length, 1);
    const picture = decodePng(readFileSync(path.join(out, saved[0]!)));
    assert.deepEqual([picture.width, picture.height], [2 * (2 * trainingSide + 4), 2 * trainingSide]);
  });
});

describe('area-composition.json', () => {
  test('places each prompt on its half through ConditioningSetAreaPercentage and runs (shortened)', async () => {
    const engine = new EngineHarness({ modelsDir: emojiSourcesCopy() });
    const workflow = read('area-composition.json');
    const halves = workflow.nodes.filter((node) => node.type === 'ConditioningSetAreaPercentage').map((node) => [node.widgets.x, node.widgets.width]);
    assert.deepEqual(halves, [[0, 0.5], [0.5, 0.5]]);
    Object.assign(nodeOfType(workflow, 'Sampler').widgets, { steps: 4 });
    const job = await engine.run(workflow);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
  });
});

describe('the SDXL example workflows on the tiny SDXL (LoadCheckpoint creates it on first use)', () => {
  let engine: EngineHarness;
  before(() => {
    engine = new EngineHarness({ modelsDir: mkdtempSync(path.join(tmpdir(), 'sdxl-examples-')) });
  });

  for (const file of ['sdxl.json', 'sdxl-scalecrafter-4x.json']) {
    test(`${file} runs to a PNG (shortened, at a test size)`, async () => {
      const workflow = read(file);
      assert.equal(nodeOfType(workflow, 'LoadCheckpoint').widgets.model, 'tiny-sdxl');
      Object.assign(nodeOfType(workflow, 'Sampler').widgets, { steps: 3 });
      // 1024² and 2048² are for a real SDXL; the tiny one keeps the ratio between the two files.
      const latent = nodeOfType(workflow, 'EmptyLatentImage').widgets;
      Object.assign(latent, { width: Number(latent.width) / 16, height: Number(latent.height) / 16 });
      const job = await engine.run(workflow);
      assert.equal(job.end.type, 'done', JSON.stringify(job.end));
      assert.ok(job.events.some((event) => event.type === 'output' && Array.isArray(event.ui.images)));
      if (file === 'sdxl-scalecrafter-4x.json') assert.ok(job.events.some((event) => event.type === 'message' && /using the reference preset sdxl_2048x2048/.test(event.text)));
    });
  }
});
