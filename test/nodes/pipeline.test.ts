import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { SAMPLER_NAMES, SCHEDULE_NAMES } from '../../app/diffusion/schedulers/index.js';
import { loadWorkflow } from '../../app/engine/workflow-load.js';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { OWN_WORKFLOW_CHUNK } from '../../app/protocol/index.js';
import type { Workflow } from '../../app/protocol/index.js';
import { defaultWorkflow, nodeOfType } from '../support/default-workflow.js';
import { emojiSourcesCopy } from '../support/emoji-model.js';
import { EngineHarness } from '../support/engine-harness.js';

describe('the default workflow on the bundled pixel-space model', () => {
  let engine: EngineHarness;
  before(() => {
    engine = new EngineHarness({ modelsDir: emojiSourcesCopy() });
  });

  const savedFiles = (job: { outputOf(id: string): Record<string, unknown> | undefined }, nodeId: string) =>
    ((job.outputOf(nodeId)?.images ?? []) as Array<{ filename: string; subfolder: string }>).map((image) => path.join(engine.outputDir, image.subfolder, image.filename));

  test('writes a PNG that carries its workflow (ours, and ComfyUI\'s) and the executed prompt in ComfyUI\'s API form', async () => {
    const workflow = defaultWorkflow();
    const saveId = String(nodeOfType(workflow, 'SaveImage').id);
    const job = await engine.run(workflow);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const [file] = savedFiles(job, saveId);
    const png = decodePng(readFileSync(file!));
    const latent = nodeOfType(workflow, 'EmptyLatentImage').widgets;
    assert.deepEqual([png.width, png.height], [latent.width, latent.height]);

    const embedded = loadWorkflow(JSON.parse(png.text[OWN_WORKFLOW_CHUNK]!), engine.registry);
    assert.ok(embedded.ok);
    assert.deepEqual(embedded.workflow, loadWorkflow(workflow, engine.registry).ok && (loadWorkflow(workflow, engine.registry) as { workflow: Workflow }).workflow);
    const prompt = JSON.parse(png.text.prompt!) as Record<string, { class_type: string; inputs: Record<string, unknown> }>;
    const samplerId = String(nodeOfType(workflow, 'Sampler').id);
    assert.equal(prompt[samplerId]!.class_type, 'KSampler');
    assert.equal(prompt[samplerId]!.inputs.seed, nodeOfType(workflow, 'Sampler').widgets.seed, 'the seed used is in the metadata');
  });

  test('the same seed gives a byte-identical image; another seed a different one', async () => {
    const workflow = defaultWorkflow();
    const saveId = String(nodeOfType(workflow, 'SaveImage').id);
    const sampler = nodeOfType(workflow, 'Sampler');
    const pixelsOf = async (seed: number, prefix: string) => {
      sampler.widgets.seed = seed;
      nodeOfType(workflow, 'SaveImage').widgets.filename_prefix = prefix;
      const job = await engine.run(structuredClone(workflow));
      return decodePng(readFileSync(savedFiles(job, saveId)[0]!)).data;
    };
    const first = await pixelsOf(7, 'seed-a');
    const again = await pixelsOf(7, 'seed-b');
    const other = await pixelsOf(8, 'seed-c');
    assert.deepEqual(again, first);
    assert.notDeepEqual(other, first);
  });

  test('changing the sampler re-runs only the sampler and what follows; progress has previews', async () => {
    const workflow = defaultWorkflow();
    await engine.run(workflow);
    const sampler = nodeOfType(workflow, 'Sampler');
    sampler.widgets.steps = 5;
    const job = await engine.run(workflow);
    const samplerId = String(sampler.id);
    assert.deepEqual(job.executed, [samplerId, String(nodeOfType(workflow, 'VAEDecode').id), String(nodeOfType(workflow, 'SaveImage').id)]);
    const progress = job.events.filter((event) => event.type === 'progress' && event.nodeId === samplerId);
    assert.equal(progress.length, 5);
    // Previews are at latent resolution, which for a pixel-space model is the image's.
    const width = nodeOfType(workflow, 'EmptyLatentImage').widgets.width;
    assert.ok(progress.every((event) => event.type === 'progress' && event.max === 5 && event.preview && event.preview.width === width));
  });

  test('every sampler runs, and every scheduler', async () => {
    const workflow = defaultWorkflow();
    const sampler = nodeOfType(workflow, 'Sampler');
    sampler.widgets.steps = 3;
    const pairs = SAMPLER_NAMES.map((name, i) => [name, SCHEDULE_NAMES[i % SCHEDULE_NAMES.length]!, name === 'ddim' ? 1 : 0] as const);
    assert.deepEqual(new Set(pairs.map(([, schedule]) => schedule)), new Set(SCHEDULE_NAMES));
    for (const [name, schedule, eta] of [...pairs, ['ddim', 'karras', 0], ['euler_ancestral', 'exponential', 0]] as const) {
      Object.assign(sampler.widgets, { sampler: name, scheduler: schedule, eta });
      const job = await engine.run(structuredClone(workflow));
      assert.equal(job.end.type, 'done', `${name}/${schedule}: ${JSON.stringify(job.end)}`);
    }
  });

  test('an over-long prompt is cut and the cut is reported on the TextEncode node', async () => {
    const workflow = defaultWorkflow();
    const encoder = nodeOfType(workflow, 'TextEncode');
    encoder.widgets.text = Array.from({ length: 100 }, (_, i) => `apple${i}`).join(' ');
    const job = await engine.run(workflow);
    const ui = job.outputOf(String(encoder.id));
    assert.match(String((ui?.text as string[])[0]), /longer than 77 tokens/);
    assert.ok(job.events.some((event) => event.type === 'message' && event.level === 'warning' && event.nodeId === String(encoder.id)));
  });

  test('PreviewImage shows the image without saving it as a result', async () => {
    const workflow = defaultWorkflow();
    const save = nodeOfType(workflow, 'SaveImage');
    Object.assign(save, { type: 'PreviewImage', widgets: {} });
    nodeOfType(workflow, 'Sampler').widgets.steps = 2;
    const job = await engine.run(workflow);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const [image] = (job.outputOf(String(save.id))?.images ?? []) as Array<{ filename: string; subfolder: string; type: string }>;
    assert.equal(image?.type, 'temp');
    assert.equal(image?.subfolder, '.previews');
    const png = decodePng(readFileSync(path.join(engine.outputDir, image!.subfolder, image!.filename)));
    assert.deepEqual(png.text, {}, 'previews carry no workflow');
  });

  test('cancelling during sampling stops between steps', async () => {
    const workflow = defaultWorkflow();
    const sampler = nodeOfType(workflow, 'Sampler');
    sampler.widgets.steps = 400;
    const queued = engine.enqueue(workflow);
    assert.ok(queued.ok);
    // Wait for step 2, or for the job to end first (a failure must fail the test, not hang it).
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const mine = engine.events.filter((event) => event.jobId === queued.jobId);
        if (mine.some((event) => (event.type === 'progress' && event.value >= 2) || event.type === 'done' || event.type === 'error' || event.type === 'cancelled')) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    engine.service.handle('cancel', { jobId: queued.jobId });
    await engine.service.whenIdle();
    const events = engine.events.filter((event) => event.jobId === queued.jobId);
    assert.equal(events.at(-1)!.type, 'cancelled');
    const steps = events.filter((event) => event.type === 'progress').length;
    assert.ok(steps < 400, `stopped after ${steps} of 400 steps`);
  });
});
