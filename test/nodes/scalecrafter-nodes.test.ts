import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { OWN_WORKFLOW_CHUNK } from '../../app/protocol/index.js';
import type { RequestResult, Workflow, WidgetValue } from '../../app/protocol/index.js';
import { insertModelPatch, nodeOfType, TINY_SD_SIDE, tinySdWorkflow } from '../support/default-workflow.js';
import { EngineHarness, type JobRecord } from '../support/engine-harness.js';
import { tinyModelsDir } from '../support/tiny-model.js';

/** Twice tiny-sd's training side: 4× its training pixels. */
const SIDE = 2 * TINY_SD_SIDE;

/** The default workflow on tiny-sd at SIDE², 4 steps, with patch nodes on its MODEL link. */
function patched(patches: Array<[string, Record<string, WidgetValue>]>): Workflow {
  const workflow = tinySdWorkflow();
  Object.assign(nodeOfType(workflow, 'EmptyLatentImage').widgets, { width: SIDE, height: SIDE });
  Object.assign(nodeOfType(workflow, 'Sampler').widgets, { steps: 4 });
  for (const [type, widgets] of patches) insertModelPatch(workflow, type, widgets);
  return workflow;
}

const redilate = (widgets: Record<string, WidgetValue> = {}): [string, Record<string, WidgetValue>] => [
  'ReDilate',
  { layers: 'down_blocks.1\nmid_block\nup_blocks.0', factor: 2, start: 0, end: 0.6, progressive: false, ...widgets },
];

describe('ScaleCrafter nodes on the tiny model', () => {
  let engine: EngineHarness;
  const pixels = (job: JobRecord, workflow: Workflow) => {
    const ui = job.outputOf(String(nodeOfType(workflow, 'SaveImage').id)) as { images: Array<{ filename: string; subfolder: string }> };
    return decodePng(readFileSync(path.join(engine.outputDir, ui.images[0]!.subfolder, ui.images[0]!.filename))).data;
  };
  const maxDifference = (a: Uint8Array, b: Uint8Array) => a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);
  const render = async (workflow: Workflow) => {
    const job = await engine.run(workflow);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    return { job, image: pixels(job, workflow) };
  };
  let plain: Uint8Array;

  before(async () => {
    engine = new EngineHarness({ modelsDir: await tinyModelsDir() });
    plain = (await render(patched([]))).image;
  });

  test('re-dilation changes the image; with an empty step range the prepared UNet reproduces the plain one', async () => {
    const { image: dilated } = await render(patched([redilate()]));
    assert.ok(maxDifference(dilated, plain) > 10, 're-dilation should change the picture');
    const { image: inactive } = await render(patched([redilate({ end: 0 })]));
    assert.ok(maxDifference(inactive, plain) <= 1, `controls off: ${maxDifference(inactive, plain)}/255`);
  });

  test('FreeU with all factors 1 is the plain UNet; its defaults change the image', async () => {
    const { image: neutral } = await render(patched([['FreeU', { b1: 1, b2: 1, s1: 1, s2: 1 }]]));
    assert.ok(maxDifference(neutral, plain) <= 1);
    const { image: freeu } = await render(patched([['FreeU', { b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2 }]]));
    assert.ok(maxDifference(freeu, plain) > 10);
  });

  test('Attn-SF is neutral at the training size and acts above it', async () => {
    const { image: neutral } = await render(patched([['AttentionScale', { train_width: SIDE, train_height: SIDE }]]));
    assert.ok(maxDifference(neutral, plain) <= 1);
    const { image: scaled } = await render(patched([['AttentionScale', { train_width: TINY_SD_SIDE, train_height: TINY_SD_SIDE }]]));
    assert.ok(maxDifference(scaled, plain) > 0);
  });

  test('a schedule edit re-runs only the patch, the sampler and what follows', async () => {
    const workflow = patched([redilate()]);
    await engine.run(workflow);
    workflow.nodes.find((node) => node.type === 'ReDilate')!.widgets.factor = 2.5;
    const job = await engine.run(workflow);
    const types = new Map(workflow.nodes.map((node) => [String(node.id), node.type]));
    assert.deepEqual(job.executed.map((id) => types.get(id)), ['ReDilate', 'Sampler', 'VAEDecode', 'SaveImage']);
  });

  test('a layer the UNet lacks is an error on the layers field naming it', async () => {
    const job = await engine.run(patched([redilate({ layers: 'down_blocks.3:2' })]));
    assert.equal(job.end.type, 'error');
    assert.ok(job.end.type === 'error');
    assert.deepEqual([job.end.failure.nodeType, job.end.failure.field], ['ReDilate', 'layers']);
    assert.match(job.end.failure.message, /"down_blocks\.3" matches no re-dilatable conv/);
  });

  test('a preset for another family reports the convs this UNet lacks', async () => {
    const job = await engine.run(patched([['ScaleCrafterPreset', { family: 'sd1.5', width: 1024, height: 1024, variant: 'standard', freeu: false }]]));
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    assert.ok(job.events.some((event) => event.type === 'message' && /using the reference preset sd1\.5_1024x1024/.test(event.text)));
    assert.ok(job.events.some((event) => event.type === 'message' && event.level === 'warning' && /convs of sd1\.5_1024x1024 are not in this UNet/.test(event.text)));
  });

  /** ReDilate's per-step rule written out by hand: ×2 on its blocks for steps < round(0.6 · 4) = 2. */
  const paintedLikeRedilate = async () => {
    const probe = patched([redilate()]);
    const result = (await engine.service.handle('scheduleTable', { workflow: probe, nodeId: String(nodeOfType(probe, 'ReDilate').id) })) as RequestResult<'scheduleTable'>;
    assert.ok(result.ok);
    const blocks = ['down_blocks.1.', 'mid_block.', 'up_blocks.0.'];
    const guided = Object.fromEntries(result.table.convs.filter((conv) => blocks.some((block) => conv.startsWith(block))).map((conv) => [conv, '2*2 1*2']));
    return { steps: 4, guided, ndcfg: null, dispersed: {} };
  };

  test('a painted schedule with ReDilate\'s per-step dilations renders the same image', async () => {
    const painted = await paintedLikeRedilate();
    assert.ok(Object.keys(painted.guided).length > 0);
    const { image: fromText } = await render(patched([redilate()]));
    const paintedWorkflow = patched([['PaintedSchedule', { schedule: JSON.stringify(painted), eta: 0.05 }]]);
    const { job, image: fromCells } = await render(paintedWorkflow);
    assert.equal(maxDifference(fromCells, fromText), 0);
    // The painted cells travel by name in the PNG's own workflow chunk, like any widget value.
    const ui = job.outputOf(String(nodeOfType(paintedWorkflow, 'SaveImage').id)) as { images: Array<{ filename: string; subfolder: string }> };
    const text = decodePng(readFileSync(path.join(engine.outputDir, ui.images[0]!.subfolder, ui.images[0]!.filename))).text;
    const embedded = JSON.parse(String(text[OWN_WORKFLOW_CHUNK])) as Workflow;
    assert.equal(nodeOfType(embedded, 'PaintedSchedule').widgets.schedule, JSON.stringify(painted));
    const { image: empty } = await render(patched([redilate(), ['PaintedSchedule', { schedule: '', eta: 0.05 }]]));
    assert.ok(maxDifference(empty, plain) <= 1, 'an empty painted schedule turns the ReDilate before it off');
  });

  test('a painted schedule for another step count, or naming a conv the UNet lacks, fails on its schedule field', async () => {
    const painted = await paintedLikeRedilate();
    const wrongSteps = await engine.run(patched([['PaintedSchedule', { schedule: JSON.stringify({ ...painted, steps: 5, guided: {} }), eta: 0.05 }]]));
    assert.ok(wrongSteps.end.type === 'error');
    assert.match(wrongSteps.end.failure.message, /painted for 5 steps but the Sampler runs 4/);
    const stranger = await engine.run(patched([['PaintedSchedule', { schedule: JSON.stringify({ ...painted, guided: { 'down_blocks.3.resnets.0.conv1': '2*4' } }), eta: 0.05 }]]));
    assert.ok(stranger.end.type === 'error');
    assert.deepEqual([stranger.end.failure.nodeType, stranger.end.failure.field], ['PaintedSchedule', 'schedule']);
    assert.match(stranger.end.failure.message, /down_blocks\.3\.resnets\.0\.conv1/);
  });

  test('a painted schedule that is not well formed is rejected at queue time on its schedule field', () => {
    const result = engine.enqueue(patched([['PaintedSchedule', { schedule: '{"steps":4,"guided":{"mid_block.resnets.0.conv1":"2*3"}}', eta: 0.05 }]]));
    assert.ok(!result.ok);
    assert.deepEqual(result.issues.map((issue) => [issue.nodeType, issue.field]), [['PaintedSchedule', 'schedule']]);
    assert.match(result.issues[0]!.message, /guided\.mid_block\.resnets\.0\.conv1 covers 3 steps, not the schedule's 4/);
  });

  test('a step range that ends before it starts is rejected on the end field', () => {
    const result = engine.enqueue(patched([redilate({ start: 0.5, end: 0.2 })]));
    assert.ok(!result.ok);
    assert.deepEqual(result.issues.map((issue) => [issue.nodeType, issue.field]), [['ReDilate', 'end']]);
  });
});
