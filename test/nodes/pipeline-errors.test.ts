import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import type { Issue, Workflow } from '../../app/protocol/index.js';
import { defaultWorkflow, nodeOfType, TINY_SD_SIDE, tinySdWorkflow } from '../support/default-workflow.js';
import { emojiSourcesCopy } from '../support/emoji-model.js';
import { EngineHarness } from '../support/engine-harness.js';
import { tinyModelsDir } from '../support/tiny-model.js';
import { WorkflowBuilder } from '../support/workflow-builder.js';

/** A private copy of the tiny model that a test may damage. */
async function modelsCopy(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'damaged-models-'));
  cpSync(path.join(await tinyModelsDir(), 'tiny-sd'), path.join(dir, 'tiny-sd'), { recursive: true });
  return dir;
}

async function failureOf(engine: EngineHarness, workflow: Workflow) {
  const job = await engine.run(workflow);
  assert.equal(job.end.type, 'error', JSON.stringify(job.end));
  return job.end.type === 'error' ? job.end.failure : undefined!;
}

function rejected(engine: EngineHarness, workflow: Workflow): Issue[] {
  const result = engine.enqueue(workflow);
  assert.equal(result.ok, false);
  return result.ok ? [] : result.issues;
}

describe('pipeline errors name the node and the field', () => {
  let engine: EngineHarness;
  before(() => {
    // The default workflow's model (tiny-sd, which some tests switch to, is created there on first use).
    engine = new EngineHarness({ modelsDir: emojiSourcesCopy() });
  });

  test('a missing model folder is refused before running', () => {
    const workflow = defaultWorkflow();
    nodeOfType(workflow, 'LoadCheckpoint').widgets.model = 'no-such-model';
    const result = engine.enqueue(workflow);
    const issue = result.ok ? undefined : result.issues[0];
    assert.deepEqual([issue?.code, issue?.nodeType, issue?.field], ['not_in_options', 'LoadCheckpoint', 'model'], JSON.stringify(result));
    assert.match(issue!.message, /"no-such-model" is not among/);
  });

  test('a truncated unet/model.onnx', async () => {
    const modelsDir = await modelsCopy();
    const unet = path.join(modelsDir, 'tiny-sd', 'unet', 'model.onnx');
    writeFileSync(unet, readFileSync(unet).subarray(0, 5000));
    const failure = await failureOf(new EngineHarness({ modelsDir }), tinySdWorkflow());
    assert.deepEqual([failure.nodeType, failure.field], ['LoadCheckpoint', 'model']);
    assert.match(failure.message, /unet[/\\]model\.onnx/);
  });

  test('a text encoder where the UNet belongs', async () => {
    const modelsDir = await modelsCopy();
    const folder = path.join(modelsDir, 'tiny-sd');
    copyFileSync(path.join(folder, 'text_encoder', 'model.onnx'), path.join(folder, 'unet', 'model.onnx'));
    const failure = await failureOf(new EngineHarness({ modelsDir }), tinySdWorkflow());
    assert.deepEqual([failure.nodeType, failure.field], ['LoadCheckpoint', 'model']);
    assert.match(failure.message, /does not look like a unet: it has inputs \(input_ids\)/);
  });

  test('a width that is not a multiple of the model\'s VAE factor (EmptyLatentImage does not know the model; the Sampler does)', async () => {
    const workflow = tinySdWorkflow();
    nodeOfType(workflow, 'EmptyLatentImage').widgets.width = TINY_SD_SIDE - 6;
    const failure = await failureOf(engine, workflow);
    assert.deepEqual([failure.nodeType, failure.field], ['Sampler', 'latent']);
    assert.match(failure.message, new RegExp(`${TINY_SD_SIDE - 6}×${TINY_SD_SIDE} pixels, but tiny-sd's VAE needs sides that are multiples of 8`));
    assert.match(failure.hint!, new RegExp(`set EmptyLatentImage to ${TINY_SD_SIDE}×${TINY_SD_SIDE}`));
  });

  test('steps = 0 and cfg < 0', () => {
    const workflow = defaultWorkflow();
    Object.assign(nodeOfType(workflow, 'Sampler').widgets, { steps: 0, cfg: -1 });
    const issues = rejected(engine, workflow);
    assert.deepEqual(issues.map((issue) => [issue.nodeType, issue.field, issue.code]), [['Sampler', 'steps', 'out_of_range'], ['Sampler', 'cfg', 'out_of_range']]);
  });

  test('a scheduler this app does not have', () => {
    const workflow = defaultWorkflow();
    Object.assign(nodeOfType(workflow, 'Sampler').widgets, { sampler: 'ddim', scheduler: 'kl_optimal' });
    const [issue] = rejected(engine, workflow);
    assert.deepEqual([issue!.field, issue!.code], ['scheduler', 'not_in_options']);
  });

  test('an empty positive prompt', async () => {
    const workflow = defaultWorkflow();
    nodeOfType(workflow, 'TextEncode', 0).widgets.text = '   ';
    const failure = await failureOf(engine, workflow);
    assert.deepEqual([failure.nodeType, failure.field], ['Sampler', 'positive']);
  });

  test('a LoadImage path that does not exist', async () => {
    const graph = new WorkflowBuilder(engine.registry);
    graph.add('LoadImage', { image: '/nonexistent/picture.png' });
    graph.add('PreviewImage');
    graph.connect(1, 0, 2, 'images');
    const failure = await failureOf(engine, graph.build());
    assert.deepEqual([failure.nodeType, failure.field], ['LoadImage', 'image']);
    assert.match(failure.message, /no such file/);
  });
});

describe('image to image', () => {
  test('LoadImage → VAEEncode → Sampler (denoise 0.5) → VAEDecode → SaveImage', async () => {
    const engine = new EngineHarness({ modelsDir: emojiSourcesCopy() });
    const first = await engine.run(defaultWorkflow());
    const saved = first.events.find((event) => event.type === 'output' && Array.isArray(event.ui.images));
    const image = (saved && saved.type === 'output' ? (saved.ui.images as Array<{ filename: string }>)[0]!.filename : '');
    const workflow = defaultWorkflow();
    const graph = new WorkflowBuilder(engine.registry);
    const load = graph.add('LoadImage', { image: path.join(engine.outputDir, image) }, { id: 20 });
    const encode = graph.add('VAEEncode', {}, { id: 21 });
    const built = graph.build();
    workflow.nodes.push(...built.nodes);
    const nextLink = Math.max(...workflow.links.map((link) => link.id)) + 1;
    const checkpoint = nodeOfType(workflow, 'LoadCheckpoint');
    const sampler = nodeOfType(workflow, 'Sampler');
    const link = (id: number, from: number, slot: number, to: number, input: string, type: string) => {
      const target = workflow.nodes.find((node) => node.id === to)!;
      const socket = target.inputs.find((candidate) => candidate.name === input)!;
      const old = socket.link;
      socket.link = id;
      workflow.links = workflow.links.filter((candidate) => candidate.id !== old);
      workflow.links.push({ id, origin_id: from, origin_slot: slot, target_id: to, target_slot: target.inputs.indexOf(socket), type });
    };
    link(nextLink, load, 0, encode, 'pixels', 'IMAGE');
    link(nextLink + 1, checkpoint.id, 2, encode, 'vae', 'VAE');
    link(nextLink + 2, encode, 0, sampler.id, 'latent', 'LATENT');
    sampler.widgets.denoise = 0.5;
    workflow.last_link_id = nextLink + 2;
    const job = await engine.run(workflow);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const last = job.events.filter((event) => event.type === 'progress' && event.nodeId === String(sampler.id)).at(-1);
    // diffusers' img2img get_timesteps: the last ⌊steps · denoise⌋ of the schedule.
    const steps = Number(sampler.widgets.steps);
    assert.equal(last?.type === 'progress' ? last.max : undefined, Math.floor(steps * 0.5), `denoise 0.5 runs half of the ${steps} steps`);
  });
});
