/**
 * SDXL end to end through the engine on the tiny SDXL pipeline (created on first use by
 * LoadCheckpoint): workflow → PNG, plain and with the reference's ScaleCrafter preset; the size
 * conditioning's defaults; errors naming node and field; ComfyUI's CLIPTextEncodeSDXL on import.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { importComfyUi } from '../../app/engine/comfyui/import-comfyui.js';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { writeTinyStableDiffusion } from '../../app/models/tiny-sd.js';
import { writeTinyStableDiffusionXL } from '../../app/models/tiny-sdxl.js';
import type { WidgetValue, Workflow } from '../../app/protocol/index.js';
import { EngineHarness } from '../support/engine-harness.js';
import { WorkflowBuilder } from '../support/workflow-builder.js';
import { loadFixture } from '../engine/comfyui/graph-assertions.js';

const SIDE = 64;
const PROMPT = 'a lighthouse at dusk';

interface GraphOptions {
  /** The positive prompt's encoder node and its widgets. */
  positive?: { type: 'TextEncode' | 'TextEncodeSDXL'; widgets: Record<string, WidgetValue> };
  /** Encode with this checkpoint's CLIP instead of tiny-sdxl's. */
  clipFrom?: string;
  preset?: Record<string, WidgetValue>;
  prefix: string;
}

function sdxlGraph(engine: EngineHarness, options: GraphOptions): Workflow {
  const graph = new WorkflowBuilder(engine.registry);
  const checkpoint = graph.add('LoadCheckpoint', { model: 'tiny-sdxl' });
  const positive = options.positive ?? { type: 'TextEncode', widgets: { text: PROMPT } };
  const encodePositive = graph.add(positive.type, positive.widgets);
  const encodeNegative = graph.add('TextEncode', { text: '' });
  const latent = graph.add('EmptyLatentImage', { width: SIDE, height: SIDE, batch_size: 1 });
  const sampler = graph.add('Sampler', { seed: 5, steps: 3, cfg: 5, sampler: 'euler' });
  const decode = graph.add('VAEDecode');
  const save = graph.add('SaveImage', { filename_prefix: options.prefix });
  const clipSource = options.clipFrom ? graph.add('LoadCheckpoint', { model: options.clipFrom }) : checkpoint;
  graph.connect(clipSource, 1, encodePositive, 'clip');
  graph.connect(clipSource, 1, encodeNegative, 'clip');
  if (options.preset) {
    const preset = graph.add('ScaleCrafterPreset', options.preset);
    graph.connect(checkpoint, 0, preset, 'model');
    graph.connect(preset, 0, sampler, 'model');
  } else {
    graph.connect(checkpoint, 0, sampler, 'model');
  }
  graph.connect(encodePositive, 0, sampler, 'positive');
  graph.connect(encodeNegative, 0, sampler, 'negative');
  graph.connect(latent, 0, sampler, 'latent');
  graph.connect(sampler, 0, decode, 'samples');
  graph.connect(checkpoint, 2, decode, 'vae');
  graph.connect(decode, 0, save, 'images');
  return graph.build();
}

describe('SDXL through the engine (tiny SDXL)', () => {
  let engine: EngineHarness;
  let modelsDir = '';
  before(() => {
    modelsDir = mkdtempSync(path.join(tmpdir(), 'sdxl-models-'));
    engine = new EngineHarness({ modelsDir });
  });

  async function imageOf(workflow: Workflow) {
    const job = await engine.run(workflow);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const saved = job.events.find((event) => event.type === 'output' && Array.isArray(event.ui.images));
    const image = saved && saved.type === 'output' ? (saved.ui.images as Array<{ filename: string; subfolder: string }>)[0]! : undefined;
    const png = decodePng(readFileSync(path.join(engine.outputDir, image!.subfolder, image!.filename)));
    const messages = job.events.flatMap((event) => (event.type === 'message' ? [event.text] : []));
    return { png, messages };
  }

  async function failureOf(workflow: Workflow) {
    const job = await engine.run(workflow);
    assert.equal(job.end.type, 'error', JSON.stringify(job.end));
    return job.end.type === 'error' ? job.end.failure : undefined!;
  }

  test('text to image: LoadCheckpoint creates tiny-sdxl on first use; a PNG of the asked size', async () => {
    const { png, messages } = await imageOf(sdxlGraph(engine, { prefix: 'plain' }));
    assert.deepEqual([png.width, png.height], [SIDE, SIDE]);
    assert.ok(messages.some((text) => /creating the test-size model tiny-sdxl/.test(text)), messages.join('\n'));
  });

  test('TextEncodeSDXL with the image size, crop (0, 0) and one prompt for both encoders gives TextEncode\'s image; another original size changes it', async () => {
    const plain = (await imageOf(sdxlGraph(engine, { prefix: 'plain-again' }))).png.data;
    const sizes = { width: SIDE, height: SIDE, crop_w: 0, crop_h: 0, target_width: SIDE, target_height: SIDE, text_g: PROMPT, text_l: PROMPT };
    const same = await imageOf(sdxlGraph(engine, { prefix: 'sdxl-node', positive: { type: 'TextEncodeSDXL', widgets: sizes } }));
    assert.deepEqual(same.png.data, plain);
    const other = await imageOf(sdxlGraph(engine, { prefix: 'sdxl-node-1024', positive: { type: 'TextEncodeSDXL', widgets: { ...sizes, width: 1024, height: 1024 } } }));
    assert.notDeepEqual(other.png.data, plain);
  });

  test('with the reference preset sdxl_4096x4096_disperse: runs, reports the convs SDXL lacks, changes the image', async () => {
    const plain = (await imageOf(sdxlGraph(engine, { prefix: 'plain-3' }))).png.data;
    const { png, messages } = await imageOf(sdxlGraph(engine, { prefix: 'preset', preset: { family: 'sdxl', width: 4096, height: 4096, variant: 'disperse', freeu: true } }));
    assert.ok(messages.some((text) => /using the reference preset sdxl_4096x4096_disperse/.test(text)));
    assert.ok(messages.some((text) => /convs of sdxl_4096x4096_disperse are not in this UNet and are ignored/.test(text)));
    assert.notDeepEqual(png.data, plain);
    assert.ok(!messages.some((text) => /looks like/.test(text)), 'the sdxl preset on an SDXL folder raises no family warning');
  });

  test('an SD 1.5 preset on the SDXL checkpoint: the node warns that the families differ', async () => {
    const { messages } = await imageOf(sdxlGraph(engine, { prefix: 'sd15-preset', preset: { family: 'sd1.5', width: 1024, height: 1024, variant: 'standard', freeu: false } }));
    assert.ok(messages.some((text) => /tiny-sdxl looks like sdxl, but the sd1\.5 preset is chosen/.test(text)), messages.join('\n'));
  });

  test('an SD 1.x CLIP wired to the SDXL UNet: the Sampler names the conditioning field', async () => {
    const failure = await failureOf(sdxlGraph(engine, { prefix: 'mixed', clipFrom: 'tiny-sd' }));
    assert.deepEqual([failure.nodeType, failure.field], ['Sampler', 'positive']);
    assert.match(failure.message, /32 wide but this UNet attends to 64/);
  });

  test('TextEncodeSDXL on an SD 1.x CLIP: refused on its clip field', async () => {
    const failure = await failureOf(sdxlGraph(engine, { prefix: 'sd-clip', clipFrom: 'tiny-sd', positive: { type: 'TextEncodeSDXL', widgets: { text_l: PROMPT } } }));
    assert.deepEqual([failure.nodeType, failure.field], ['TextEncodeSDXL', 'clip']);
  });

  test('an SDXL folder whose unet/ is an SD UNet (no text_embeds, time_ids): LoadCheckpoint refuses it on its model field', async () => {
    const mixed = path.join(modelsDir, 'sdxl-with-sd-unet');
    await writeTinyStableDiffusionXL(mixed);
    const sd = await writeTinyStableDiffusion(path.join(modelsDir, 'sd-unet-source'));
    rmSync(path.join(mixed, 'unet'), { recursive: true });
    cpSync(path.join(sd, 'unet'), path.join(mixed, 'unet'), { recursive: true });
    const workflow = sdxlGraph(engine, { prefix: 'mixed-unet' });
    workflow.nodes.find((node) => node.type === 'LoadCheckpoint')!.widgets.model = 'sdxl-with-sd-unet';
    const failure = await failureOf(workflow);
    assert.deepEqual([failure.nodeType, failure.field], ['LoadCheckpoint', 'model']);
    assert.match(failure.message, /does not look like a sdxl unet/);
  });

  test('ComfyUI\'s CLIPTextEncodeSDXL imports as TextEncodeSDXL, widget for widget', () => {
    const comfy = loadFixture('default-workflow.json') as { nodes: Array<Record<string, unknown>> };
    const node = comfy.nodes.find((candidate) => candidate.id === 6)!;
    Object.assign(node, { type: 'CLIPTextEncodeSDXL', widgets_values: [1024, 768, 16, 32, 2048, 1536, 'the g prompt', 'the l prompt'] });
    const result = importComfyUi(comfy, engine.registry);
    assert.ok(result.ok, JSON.stringify(result));
    const imported = result.workflow.nodes.find((candidate) => candidate.id === 6)!;
    assert.equal(imported.type, 'TextEncodeSDXL');
    assert.deepEqual(imported.widgets, { width: 1024, height: 768, crop_w: 16, crop_h: 32, target_width: 2048, target_height: 1536, text_g: 'the g prompt', text_l: 'the l prompt' });
  });
});
