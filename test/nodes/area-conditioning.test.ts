/**
 * Area and mask conditioning end to end on tiny-sd: ComfyUI files the test writes to disk (regional
 * prompts over a base prompt, as ComfyUI's area-composition graphs are drawn) import and run, the
 * node types agree with each other, and areas compose with ScaleCrafter's patches (re-dilation and
 * Attn-SF fed to every crop). The numbers of the blending are checked against the reference in
 * test/diffusion/pipeline/area-conditioning.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { encode } from 'fast-png';
import { readWorkflowFile } from '../../app/cli/workflow-file.js';
import { decodePng } from '../../app/imaging/png-metadata.js';
import type { WidgetValue } from '../../app/protocol/index.js';
import { ComfyGraphBuilder, type ComfySlot } from '../support/comfy-ui-builder.js';
import { TINY_SD_SIDE } from '../support/default-workflow.js';
import { EngineHarness } from '../support/engine-harness.js';
import { tinyModelsDir } from '../support/tiny-model.js';
import { WorkflowBuilder } from '../support/workflow-builder.js';
import { COMFY_SLOTS } from '../engine/comfyui/comfy-slots.js';

const slot = (name: string, type: string): ComfySlot => ({ name, type });
/** ComfyUI's slots (nodes.py, comfy_extras/nodes_mask.py) of the nodes these graphs add. */
const SLOTS = {
  area: { inputs: [slot('conditioning', 'CONDITIONING')], outputs: [slot('CONDITIONING', 'CONDITIONING')] },
  combine: { inputs: [slot('conditioning_1', 'CONDITIONING'), slot('conditioning_2', 'CONDITIONING')], outputs: [slot('CONDITIONING', 'CONDITIONING')] },
  setMask: { inputs: [slot('conditioning', 'CONDITIONING'), slot('mask', 'MASK')], outputs: [slot('CONDITIONING', 'CONDITIONING')] },
  solidMask: { outputs: [slot('MASK', 'MASK')] },
  imageToMask: { inputs: [slot('image', 'IMAGE')], outputs: [slot('MASK', 'MASK')] },
};

/** Where a ConditioningSetMask's mask comes from: SolidMask of 1, LoadImage's alpha, or ImageToMask of a PNG's red channel. */
type MaskSource = { kind: 'solid' } | { kind: 'alpha'; file: string } | { kind: 'red'; file: string };

/** A regional prompt: its text and the node placing it, with that node's widgets_values in ComfyUI's order. */
interface Region {
  text: string;
  type: 'ConditioningSetArea' | 'ConditioningSetAreaPercentage' | 'ConditioningSetMask';
  widgets: unknown[];
  mask?: MaskSource;
}

const LEFT: Region = { text: 'a red circle', type: 'ConditioningSetArea', widgets: [144, 256, 0, 0, 1] };
const RIGHT: Region = { text: 'a blue square', type: 'ConditioningSetArea', widgets: [144, 256, 112, 0, 1.5] };
/** The same rectangles in fractions of the 256² image: 144/256 = 0.5625, 112/256 = 0.4375. */
const LEFT_PERCENT: Region = { ...LEFT, type: 'ConditioningSetAreaPercentage', widgets: [0.5625, 1, 0, 0, 1] };
const RIGHT_PERCENT: Region = { ...RIGHT, type: 'ConditioningSetAreaPercentage', widgets: [0.5625, 1, 0.4375, 0, 1.5] };

/**
 * ComfyUI's default graph at tiny-sd's size with `regions` combined into the positive side, after
 * the base prompt when there is one (Combine(Combine(base, region 1), region 2) …).
 */
function comfyWorkflow(regions: readonly Region[], base: string | null = 'a landscape'): Record<string, unknown> {
  const graph = new ComfyGraphBuilder();
  graph.add(4, 'CheckpointLoaderSimple', COMFY_SLOTS.CheckpointLoaderSimple, ['tiny-sd']);
  graph.add(5, 'EmptyLatentImage', COMFY_SLOTS.EmptyLatentImage, [TINY_SD_SIDE, TINY_SD_SIDE, 1]);
  graph.add(7, 'CLIPTextEncode', COMFY_SLOTS.CLIPTextEncode, ['blurry']);
  graph.add(3, 'KSampler', COMFY_SLOTS.KSampler, [5, 'fixed', 4, 4, 'euler', 'normal', 1]);
  graph.add(8, 'VAEDecode', COMFY_SLOTS.VAEDecode);
  graph.add(9, 'SaveImage', COMFY_SLOTS.SaveImage, ['areas']);
  graph.connect(4, 1, 7, 'clip');
  let positive: number | null = null;
  if (base !== null) {
    positive = graph.add(6, 'CLIPTextEncode', COMFY_SLOTS.CLIPTextEncode, [base]);
    graph.connect(4, 1, 6, 'clip');
  }
  regions.forEach((region, index) => {
    const encode = graph.add(10 + index, 'CLIPTextEncode', COMFY_SLOTS.CLIPTextEncode, [region.text]);
    graph.connect(4, 1, encode, 'clip');
    const placed = graph.add(20 + index, region.type, region.type === 'ConditioningSetMask' ? SLOTS.setMask : SLOTS.area, region.widgets);
    graph.connect(encode, 0, placed, 'conditioning');
    if (region.mask) addMaskSource(graph, region.mask, 40 + 2 * index, placed);
    if (positive === null) {
      positive = placed;
      return;
    }
    const combine = graph.add(30 + index, 'ConditioningCombine', SLOTS.combine);
    graph.connect(positive, 0, combine, 'conditioning_1');
    graph.connect(placed, 0, combine, 'conditioning_2');
    positive = combine;
  });
  graph.connect(4, 0, 3, 'model');
  graph.connect(positive!, 0, 3, 'positive');
  graph.connect(7, 0, 3, 'negative');
  graph.connect(5, 0, 3, 'latent_image');
  graph.connect(3, 0, 8, 'samples');
  graph.connect(4, 2, 8, 'vae');
  graph.connect(8, 0, 9, 'images');
  return graph.workflow();
}

function addMaskSource(graph: ComfyGraphBuilder, source: MaskSource, id: number, into: number): void {
  if (source.kind === 'solid') {
    graph.add(id, 'SolidMask', SLOTS.solidMask, [1, TINY_SD_SIDE, TINY_SD_SIDE]);
    graph.connect(id, 0, into, 'mask');
    return;
  }
  graph.add(id, 'LoadImage', COMFY_SLOTS.LoadImage, [source.file, 'image']);
  if (source.kind === 'alpha') {
    graph.connect(id, 1, into, 'mask');
    return;
  }
  graph.add(id + 1, 'ImageToMask', SLOTS.imageToMask, ['red']);
  graph.connect(id, 0, id + 1, 'image');
  graph.connect(id + 1, 0, into, 'mask');
}

/** A 256² PNG whose right 96 columns carry `inside` in the channel `channel` (of `channels`) and `outside` elsewhere; the other channels 255. */
function maskPng(file: string, channels: 3 | 4, channel: number, inside: number, outside: number): string {
  const data = new Uint8Array(TINY_SD_SIDE * TINY_SD_SIDE * channels).fill(255);
  for (let y = 0; y < TINY_SD_SIDE; y++) {
    for (let x = 0; x < TINY_SD_SIDE; x++) data[(y * TINY_SD_SIDE + x) * channels + channel] = x >= 160 ? inside : outside;
  }
  writeFileSync(file, encode({ width: TINY_SD_SIDE, height: TINY_SD_SIDE, data, channels, depth: 8 }));
  return file;
}

const maxDifference = (a: Uint8Array, b: Uint8Array) => a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);

describe('area and mask conditioning on tiny-sd', () => {
  let engine: EngineHarness;
  const folder = mkdtempSync(path.join(tmpdir(), 'area-workflows-'));
  let written = 0;

  before(async () => {
    engine = new EngineHarness({ modelsDir: await tinyModelsDir() });
  });

  async function pixelsOf(json: unknown, saveNode = '9'): Promise<Uint8Array> {
    const job = await engine.run(json);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const [image] = job.outputOf(saveNode)!.images as Array<{ filename: string; subfolder: string }>;
    return decodePng(readFileSync(path.join(engine.outputDir, image!.subfolder, image!.filename))).data;
  }

  /** Writes a ComfyUI file, reads it back as the CLI does and runs it. */
  async function runFile(json: Record<string, unknown>): Promise<Uint8Array> {
    const file = path.join(folder, `areas-${written++}.json`);
    writeFileSync(file, JSON.stringify(json, null, 2));
    const read = await readWorkflowFile(file);
    assert.ok(read.ok, JSON.stringify(read));
    return pixelsOf(read.json);
  }

  test('a ComfyUI file with two areas over a base prompt runs; the areas change the image, and where each prompt goes matters', async () => {
    const base = await runFile(comfyWorkflow([]));
    const composed = await runFile(comfyWorkflow([LEFT, RIGHT]));
    const swapped = await runFile(comfyWorkflow([{ ...LEFT, text: RIGHT.text }, { ...RIGHT, text: LEFT.text }]));
    assert.ok(maxDifference(composed, base) > 0, 'the areas must change the image');
    assert.ok(maxDifference(composed, swapped) > 0, 'swapping the areas\' prompts must change the image');
  });

  test('the same rectangles as pixels and as percentages give the same pixels; two areas alone (no base prompt) run', async () => {
    assert.deepEqual(await runFile(comfyWorkflow([LEFT_PERCENT, RIGHT_PERCENT])), await runFile(comfyWorkflow([LEFT, RIGHT])));
    await runFile(comfyWorkflow([LEFT, RIGHT], null));
  });

  test('an area over the whole image, or a SolidMask of 1, weighs the prompt as without them (≤ 1 level: batch sizes differ)', async () => {
    const plain = await runFile(comfyWorkflow([], LEFT.text));
    const whole = await runFile(comfyWorkflow([{ ...LEFT, widgets: [TINY_SD_SIDE, TINY_SD_SIDE, 0, 0, 1] }], null));
    const solid = await runFile(comfyWorkflow([{ text: LEFT.text, type: 'ConditioningSetMask', widgets: [1, 'default'], mask: { kind: 'solid' } }], null));
    assert.ok(maxDifference(whole, plain) <= 1, `whole-image area: ${maxDifference(whole, plain)}`);
    assert.ok(maxDifference(solid, plain) <= 1, `solid mask: ${maxDifference(solid, plain)}`);
  });

  test('LoadImage\'s MASK (1 − alpha) and ImageToMask of the same shape in red give the same image; an opaque PNG\'s mask is zero, leaving the base prompt', async () => {
    // Transparent (alpha 0) on the right: ComfyUI's mask editor's "paint here"; the red variant is white there.
    const alpha = maskPng(path.join(folder, 'alpha-mask.png'), 4, 3, 0, 255);
    const red = maskPng(path.join(folder, 'red-mask.png'), 3, 0, 255, 0);
    const opaque = maskPng(path.join(folder, 'opaque.png'), 3, 0, 255, 0);
    const region = (mask: MaskSource, setCondArea: string): Region => ({ text: RIGHT.text, type: 'ConditioningSetMask', widgets: [1.5, setCondArea], mask });
    const base = await runFile(comfyWorkflow([]));
    for (const setCondArea of ['default', 'mask bounds']) {
      const fromAlpha = await runFile(comfyWorkflow([region({ kind: 'alpha', file: alpha }, setCondArea)]));
      assert.deepEqual(await runFile(comfyWorkflow([region({ kind: 'red', file: red }, setCondArea)])), fromAlpha, setCondArea);
      assert.ok(maxDifference(fromAlpha, base) > 0, `${setCondArea}: the mask must change the image`);
    }
    assert.deepEqual(await runFile(comfyWorkflow([region({ kind: 'alpha', file: opaque }, 'default')])), base);
  });

  describe('with ScaleCrafter at 4× the training pixels', () => {
    const side = 2 * TINY_SD_SIDE;
    /** Our own graph: ReDilate and Attn-SF on the MODEL, `regions` (area widgets by name) combined into the positive side. */
    function scaleCrafterWorkflow(regions: ReadonlyArray<{ text: string; area: Record<string, WidgetValue> | null }>) {
      const graph = new WorkflowBuilder(engine.registry);
      const loader = graph.add('LoadCheckpoint', { model: 'tiny-sd' });
      const redilate = graph.add('ReDilate', { layers: 'down_blocks.1\nmid_block\nup_blocks.0', factor: 2, start: 0, end: 0.6, progressive: false });
      const attention = graph.add('AttentionScale', { train_width: TINY_SD_SIDE, train_height: TINY_SD_SIDE });
      graph.connect(loader, 0, redilate, 'model');
      graph.connect(redilate, 0, attention, 'model');
      let positive: number | null = null;
      for (const region of regions) {
        const encode = graph.add('TextEncode', { text: region.text });
        graph.connect(loader, 1, encode, 'clip');
        let placed = encode;
        if (region.area) {
          placed = graph.add('ConditioningSetArea', region.area);
          graph.connect(encode, 0, placed, 'conditioning');
        }
        if (positive !== null) {
          const combine = graph.add('ConditioningCombine');
          graph.connect(positive, 0, combine, 'conditioning_1');
          graph.connect(placed, 0, combine, 'conditioning_2');
          placed = combine;
        }
        positive = placed;
      }
      const negative = graph.add('TextEncode', { text: 'blurry' });
      graph.connect(loader, 1, negative, 'clip');
      const latent = graph.add('EmptyLatentImage', { width: side, height: side, batch_size: 1 });
      const sampler = graph.add('Sampler', { seed: 5, steps: 4, cfg: 4, sampler: 'euler', scheduler: 'normal', denoise: 1 });
      graph.connect(attention, 0, sampler, 'model');
      graph.connect(positive!, 0, sampler, 'positive');
      graph.connect(negative, 0, sampler, 'negative');
      graph.connect(latent, 0, sampler, 'latent');
      const decode = graph.add('VAEDecode', { tile_size: 0 });
      graph.connect(sampler, 0, decode, 'samples');
      graph.connect(loader, 2, decode, 'vae');
      const save = graph.add('SaveImage', { filename_prefix: 'areas-scalecrafter' });
      graph.connect(decode, 0, save, 'images');
      return { workflow: graph.build(), save: String(save) };
    }
    const render = async (regions: Parameters<typeof scaleCrafterWorkflow>[0]) => {
      const { workflow, save } = scaleCrafterWorkflow(regions);
      return pixelsOf(workflow, save);
    };

    test('two areas of other sizes than the latent run through the re-dilated, Attn-SF-scaled UNet and change the image', async () => {
      const base = await render([{ text: 'a landscape', area: null }]);
      const composed = await render([
        { text: 'a landscape', area: null },
        { text: 'a red circle', area: { width: 288, height: 512, x: 0, y: 0, strength: 1 } },
        { text: 'a blue square', area: { width: 200, height: 136, x: 312, y: 376, strength: 1 } },
      ]);
      assert.ok(maxDifference(composed, base) > 0);
    });

    test('an area over the whole latent is fed the whole latent\'s controls: the prompt\'s own image (≤ 1 level)', async () => {
      const plain = await render([{ text: 'a red circle', area: null }]);
      const whole = await render([{ text: 'a red circle', area: { width: side, height: side, x: 0, y: 0, strength: 1 } }]);
      assert.ok(maxDifference(whole, plain) <= 1, `${maxDifference(whole, plain)}`);
    });
  });
});
