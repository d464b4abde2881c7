/**
 * The hires-fix pattern (Sampler → LatentUpscaleBy → Sampler at denoise 0.5), shipped as
 * workflows/hires-fix-*.json, run end to end on tiny-sd (an 8× VAE: the upscale works on 4-channel
 * latents) and on the bundled emoji model the files name.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { decodePng } from '../../app/imaging/png-metadata.js';
import type { Workflow } from '../../app/protocol/index.js';
import { nodeOfType, TINY_SD_SIDE } from '../support/default-workflow.js';
import { emojiSourcesCopy } from '../support/emoji-model.js';
import { EngineHarness, type JobRecord } from '../support/engine-harness.js';
import { tinyModelsDir } from '../support/tiny-model.js';

const read = (name: string) => JSON.parse(readFileSync(new URL(`../../workflows/${name}`, import.meta.url), 'utf8')) as Workflow;

function savedImage(engine: EngineHarness, job: JobRecord, workflow: Workflow) {
  const [image] = job.outputOf(String(nodeOfType(workflow, 'SaveImage').id))!.images as Array<{ filename: string; subfolder: string }>;
  return decodePng(readFileSync(path.join(engine.outputDir, image!.subfolder, image!.filename)));
}

function shortened(file: string, model?: string, side?: number): Workflow {
  const workflow = read(file);
  if (model !== undefined) nodeOfType(workflow, 'LoadCheckpoint').widgets.model = model;
  if (side !== undefined) Object.assign(nodeOfType(workflow, 'EmptyLatentImage').widgets, { width: side, height: side });
  for (const sampler of workflow.nodes.filter((node) => node.type === 'Sampler')) sampler.widgets.steps = 4;
  return workflow;
}

describe('hires fix on tiny-sd', () => {
  let engine: EngineHarness;
  before(async () => {
    engine = new EngineHarness({ modelsDir: await tinyModelsDir() });
  });

  test('samples at the training size, upscales the latent 2×, re-samples at denoise 0.5: a 4× image', async () => {
    const workflow = shortened('hires-fix-4x.json', 'tiny-sd', TINY_SD_SIDE);
    const job = await engine.run(workflow);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const types = new Map(workflow.nodes.map((node) => [String(node.id), node.type]));
    assert.deepEqual(job.executed.map((id) => types.get(id)).filter((type) => type === 'Sampler' || type === 'LatentUpscaleBy'), ['Sampler', 'LatentUpscaleBy', 'Sampler']);
    const second = nodeOfType(workflow, 'Sampler', 1);
    assert.equal(second.widgets.denoise, 0.5);
    // denoise 0.5 of 4 steps runs 2: the second pass's progress says so.
    assert.equal(job.events.filter((event) => event.type === 'progress' && event.nodeId === String(second.id)).length, 2);
    const png = savedImage(engine, job, workflow);
    assert.deepEqual([png.width, png.height], [2 * TINY_SD_SIDE, 2 * TINY_SD_SIDE]);
  });
});

describe('hires fix on the emoji model (the shipped files as they are, shortened)', () => {
  let engine: EngineHarness;
  before(() => {
    engine = new EngineHarness({ modelsDir: emojiSourcesCopy() });
  });

  for (const [file, factor] of [['hires-fix-4x.json', 2], ['hires-fix-16x.json', 4]] as const) {
    test(`${file} gives ${factor}× the training side`, async () => {
      const workflow = shortened(file);
      const side = Number(nodeOfType(workflow, 'EmptyLatentImage').widgets.width);
      const job = await engine.run(workflow);
      assert.equal(job.end.type, 'done', JSON.stringify(job.end));
      const png = savedImage(engine, job, workflow);
      assert.deepEqual([png.width, png.height], [factor * side, factor * side]);
    });
  }
});
