/**
 * Inpainting end to end on tiny-sd: ComfyUI files the test writes to disk (LoadImage of a PNG whose
 * transparent square is the mask, as ComfyUI's mask editor saves it → VAEEncodeForInpaint, or
 * VAEEncode → SetLatentNoiseMask → KSampler → VAEDecode → SaveImage) import and run. Outside the
 * mask the sampler ends on the source latent, so the image there is the source's own decoding (the
 * same graph without the KSampler); tiny-sd's VAE decoder mixes the whole latent (GroupNorm and
 * attention), so there the check is relative: the mean change outside is under 2/3 of the change
 * inside (measured about 1/2) and below what an unmasked run changes. On the pixel-space model
 * (identity VAE) the outside is the source exactly. ScaleCrafter composes: a masked latent upscaled
 * 2× runs through a ReDilate'd model and keeps the source latent where the mask is 0 (to 1e-5
 * relative). The blending's numbers are checked against the reference in
 * test/diffusion/pipeline/inpainting.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { encode } from 'fast-png';
import { readWorkflowFile } from '../../app/cli/workflow-file.js';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { ComfyGraphBuilder, type ComfySlot } from '../support/comfy-ui-builder.js';
import { TINY_SD_SIDE } from '../support/default-workflow.js';
import { EMOJI_MODEL_NAME, emojiSourcesCopy } from '../support/emoji-model.js';
import { EngineHarness } from '../support/engine-harness.js';
import { tinyModelsDir } from '../support/tiny-model.js';
import type { NodeContext } from '../../app/engine/node-definition.js';
import { denoiseMaskFor } from '../../app/diffusion/pipeline/inpainting.js';
import type { ClipHandle, ConditioningList, Latent, ModelHandle, VaeHandle } from '../../app/diffusion/pipeline/values.js';
import type { ImageBatch } from '../../app/imaging/image-batch.js';
import type { MaskBatch } from '../../app/imaging/mask.js';
import { latentUpscaleBy } from '../../nodes/latent-upscale-by.js';
import { loadCheckpointNode } from '../../nodes/load-checkpoint.js';
import { loadImage } from '../../nodes/load-image.js';
import { reDilate } from '../../nodes/redilate.js';
import { sampler } from '../../nodes/sampler.js';
import { textEncode } from '../../nodes/text-encode.js';
import { vaeEncodeForInpaint } from '../../nodes/vae-encode-for-inpaint.js';
import { COMFY_SLOTS } from '../engine/comfyui/comfy-slots.js';

const slot = (name: string, type: string): ComfySlot => ({ name, type });
/** ComfyUI's slots (nodes.py) of the nodes these graphs add. */
const SLOTS = {
  VAEEncodeForInpaint: { inputs: [slot('pixels', 'IMAGE'), slot('vae', 'VAE'), slot('mask', 'MASK')], outputs: [slot('LATENT', 'LATENT')] },
  VAEEncode: { inputs: [slot('pixels', 'IMAGE'), slot('vae', 'VAE')], outputs: [slot('LATENT', 'LATENT')] },
  SetLatentNoiseMask: { inputs: [slot('samples', 'LATENT'), slot('mask', 'MASK')], outputs: [slot('LATENT', 'LATENT')] },
  maskOp: { inputs: [slot('mask', 'MASK')], outputs: [slot('MASK', 'MASK')] },
  MaskComposite: { inputs: [slot('destination', 'MASK'), slot('source', 'MASK')], outputs: [slot('MASK', 'MASK')] },
  SolidMask: { outputs: [slot('MASK', 'MASK')] },
};

/** ComfyUI's mask nodes in a chain between LoadImage's MASK (node 10) and SetLatentNoiseMask (node 12): grown by 2, the rest leaves it as it is. */
function maskChain(graph: ComfyGraphBuilder): void {
  const chain: Array<[number, string, unknown[]]> = [
    [60, 'GrowMask', [2, true]],
    [61, 'FeatherMask', [0, 0, 0, 0]],
    [62, 'ThresholdMask', [0.5]],
    [63, 'InvertMask', []],
    [64, 'InvertMask', []],
    [65, 'CropMask', [0, 0, 512, 512]],
  ];
  let previous = 10;
  let slotIndex = 1;
  for (const [id, type, widgets] of chain) {
    graph.add(id, type, SLOTS.maskOp, widgets);
    graph.connect(previous, slotIndex, id, 'mask');
    [previous, slotIndex] = [id, 0];
  }
  graph.add(66, 'SolidMask', SLOTS.SolidMask, [1, 512, 512]);
  graph.add(67, 'MaskComposite', SLOTS.MaskComposite, [0, 0, 'multiply']);
  graph.connect(previous, 0, 67, 'destination');
  graph.connect(66, 0, 67, 'source');
  graph.connect(67, 0, 12, 'mask');
}

/** A picture's side and its masked square [from, to) on both axes, in image pixels. */
interface Layout {
  readonly side: number;
  readonly from: number;
  readonly to: number;
}

const TINY_SD: Layout = { side: TINY_SD_SIDE, from: 96, to: 160 };
const EMOJI: Layout = { side: 32, from: 10, to: 22 };

/** A smooth RGBA picture, transparent (ComfyUI's "repaint here") inside the square. */
function sourcePng(file: string, layout: Layout): string {
  const { side } = layout;
  const data = new Uint8Array(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const at = (y * side + x) * 4;
      data.set([(x * 255) / side, (y * 255) / side, 128 + 100 * Math.sin((8 * (x + y)) / side), inSquare(layout, y, x, 0) ? 0 : 255], at);
    }
  }
  writeFileSync(file, encode({ width: side, height: side, data, channels: 4, depth: 8 }));
  return file;
}

const inSquare = ({ from, to }: Layout, y: number, x: number, margin: number) => y >= from - margin && y < to + margin && x >= from - margin && x < to + margin;

type LatentSource = { kind: 'for-inpaint'; grow: number } | { kind: 'noise-mask'; maskOps?: true } | { kind: 'plain' };

/** LoadImage → the latent source → (KSampler at `denoise`, or nothing) → VAEDecode → SaveImage. */
function comfyWorkflow(file: string, source: LatentSource, denoise: number | null, checkpoint = 'tiny-sd'): Record<string, unknown> {
  const graph = new ComfyGraphBuilder();
  graph.add(4, 'CheckpointLoaderSimple', COMFY_SLOTS.CheckpointLoaderSimple, [checkpoint]);
  graph.add(10, 'LoadImage', COMFY_SLOTS.LoadImage, [file, 'image']);
  if (source.kind === 'for-inpaint') {
    graph.add(11, 'VAEEncodeForInpaint', SLOTS.VAEEncodeForInpaint, [source.grow]);
    graph.connect(10, 1, 11, 'mask');
  } else {
    graph.add(11, 'VAEEncode', SLOTS.VAEEncode);
  }
  graph.connect(10, 0, 11, 'pixels');
  graph.connect(4, 2, 11, 'vae');
  let latent = 11;
  if (source.kind === 'noise-mask') {
    latent = graph.add(12, 'SetLatentNoiseMask', SLOTS.SetLatentNoiseMask);
    graph.connect(11, 0, 12, 'samples');
    if (source.maskOps) maskChain(graph);
    else graph.connect(10, 1, 12, 'mask');
  }
  if (denoise !== null) {
    graph.add(6, 'CLIPTextEncode', COMFY_SLOTS.CLIPTextEncode, ['a red circle']);
    graph.add(7, 'CLIPTextEncode', COMFY_SLOTS.CLIPTextEncode, ['blurry']);
    graph.add(3, 'KSampler', COMFY_SLOTS.KSampler, [5, 'fixed', 4, 4, 'euler', 'normal', denoise]);
    for (const [from, slotIndex, input] of [[4, 0, 'model'], [6, 0, 'positive'], [7, 0, 'negative'], [latent, 0, 'latent_image']] as const) graph.connect(from, slotIndex, 3, input);
    graph.connect(4, 1, 6, 'clip');
    graph.connect(4, 1, 7, 'clip');
    latent = 3;
  }
  graph.add(8, 'VAEDecode', COMFY_SLOTS.VAEDecode);
  graph.add(9, 'SaveImage', COMFY_SLOTS.SaveImage, ['inpaint']);
  graph.connect(latent, 0, 8, 'samples');
  graph.connect(4, 2, 8, 'vae');
  graph.connect(8, 0, 9, 'images');
  return graph.workflow();
}

function nodeContext(): NodeContext {
  return { jobId: 'test', nodeId: '1', signal: new AbortController().signal, outputDir: '/nonexistent', executionProvider: 'cpu', embeddedWorkflow: () => ({}), progress: () => undefined, message: () => undefined };
}

interface Picture {
  readonly side: number;
  readonly data: Uint8Array;
}

/** Mean and largest |a − b| over the RGB values (0–255) of the pixels `where` picks. */
function differences(a: Picture, b: Picture, where: (y: number, x: number) => boolean): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  let count = 0;
  const channelsOf = (picture: Picture) => picture.data.length / (picture.side * picture.side);
  const [ca, cb] = [channelsOf(a), channelsOf(b)];
  for (let y = 0; y < a.side; y++) {
    for (let x = 0; x < a.side; x++) {
      if (!where(y, x)) continue;
      for (let c = 0; c < 3; c++) {
        const difference = Math.abs(a.data[(y * a.side + x) * ca + c]! - b.data[(y * b.side + x) * cb + c]!);
        sum += difference;
        max = Math.max(max, difference);
        count++;
      }
    }
  }
  return { mean: sum / count, max };
}

describe('inpainting from ComfyUI files', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'inpaint-workflows-'));
  let written = 0;

  async function pixelsOf(engine: EngineHarness, json: unknown, saveNode = '9'): Promise<Picture> {
    const job = await engine.run(json);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const [image] = job.outputOf(saveNode)!.images as Array<{ filename: string; subfolder: string }>;
    const png = decodePng(readFileSync(path.join(engine.outputDir, image!.subfolder, image!.filename)));
    return { side: png.width, data: png.data };
  }

  /** Writes a ComfyUI file, reads it back as the CLI does and runs it. */
  async function runFile(engine: EngineHarness, json: Record<string, unknown>): Promise<Picture> {
    const file = path.join(folder, `inpaint-${written++}.json`);
    writeFileSync(file, JSON.stringify(json, null, 2));
    const read = await readWorkflowFile(file);
    assert.ok(read.ok, JSON.stringify(read));
    return pixelsOf(engine, read.json);
  }

  describe('on the pixel-space model (identity VAE: the latent is the image)', () => {
    let engine: EngineHarness;
    const source = sourcePng(path.join(folder, 'emoji-source.png'), EMOJI);
    before(() => {
      engine = new EngineHarness({ modelsDir: emojiSourcesCopy() });
    });

    test('VAEEncodeForInpaint (grow 0) → KSampler: outside the mask the saved image is the source exactly, inside it is repainted', async () => {
      const inpainted = await runFile(engine, comfyWorkflow(source, { kind: 'for-inpaint', grow: 0 }, 1, EMOJI_MODEL_NAME));
      const original = { side: EMOJI.side, data: decodePng(readFileSync(source)).data };
      assert.equal(differences(inpainted, original, (y, x) => !inSquare(EMOJI, y, x, 0)).max, 0);
      assert.ok(differences(inpainted, original, (y, x) => inSquare(EMOJI, y, x, 0)).mean > 10);
    });

    test('SetLatentNoiseMask at denoise 0.6: the same; without the mask the outside changes', async () => {
      const original = { side: EMOJI.side, data: decodePng(readFileSync(source)).data };
      const outside = (y: number, x: number) => !inSquare(EMOJI, y, x, 0);
      const masked = await runFile(engine, comfyWorkflow(source, { kind: 'noise-mask' }, 0.6, EMOJI_MODEL_NAME));
      const unmasked = await runFile(engine, comfyWorkflow(source, { kind: 'plain' }, 0.6, EMOJI_MODEL_NAME));
      assert.equal(differences(masked, original, outside).max, 0);
      assert.ok(differences(masked, original, (y, x) => inSquare(EMOJI, y, x, 0)).mean > 5);
      assert.ok(differences(unmasked, original, outside).mean > 5);
    });

    test('the mask through GrowMask (2), FeatherMask, ThresholdMask, InvertMask twice, CropMask and MaskComposite with a SolidMask: kept exactly only outside the grown mask', async () => {
      const original = { side: EMOJI.side, data: decodePng(readFileSync(source)).data };
      const masked = await runFile(engine, comfyWorkflow(source, { kind: 'noise-mask', maskOps: true }, 0.6, EMOJI_MODEL_NAME));
      assert.equal(differences(masked, original, (y, x) => !inSquare(EMOJI, y, x, 2)).max, 0);
      assert.ok(differences(masked, original, (y, x) => inSquare(EMOJI, y, x, 2) && !inSquare(EMOJI, y, x, 0)).max > 0, 'the grown rim is repainted');
    });
  });

  describe('on tiny-sd', () => {
    let engine: EngineHarness;
    const source = sourcePng(path.join(folder, 'tiny-sd-source.png'), TINY_SD);
    /** Far outside the grown mask (tiny-sd's seeded VAE decoder mixes the whole latent through GroupNorm and attention), and well inside it. */
    const outside = (y: number, x: number) => !inSquare(TINY_SD, y, x, 48);
    const inside = (y: number, x: number) => inSquare(TINY_SD, y, x, -8);

    before(async () => {
      engine = new EngineHarness({ modelsDir: await tinyModelsDir() });
    });

    test('LoadImage → VAEEncodeForInpaint → KSampler: the image changes more inside the mask than outside, where it is the source\'s decoding', async () => {
      const decoded = await runFile(engine, comfyWorkflow(source, { kind: 'for-inpaint', grow: 6 }, null));
      const inpainted = await runFile(engine, comfyWorkflow(source, { kind: 'for-inpaint', grow: 6 }, 1));
      const within = differences(inpainted, decoded, inside).mean;
      const without = differences(inpainted, decoded, outside).mean;
      assert.ok(within > 1.5 * without, `inside ${within}, outside ${without}`);
    });

    test('VAEEncode → SetLatentNoiseMask → KSampler at denoise 0.7: the outside changes less than without the mask', async () => {
      const decoded = await runFile(engine, comfyWorkflow(source, { kind: 'plain' }, null));
      const masked = await runFile(engine, comfyWorkflow(source, { kind: 'noise-mask' }, 0.7));
      const unmasked = await runFile(engine, comfyWorkflow(source, { kind: 'plain' }, 0.7));
      const maskedOutside = differences(masked, decoded, outside).mean;
      const unmaskedOutside = differences(unmasked, decoded, outside).mean;
      assert.ok(maskedOutside < unmaskedOutside, `masked ${maskedOutside}, unmasked ${unmaskedOutside}`);
    });

    test('ScaleCrafter composes: a masked latent upscaled 2× samples through a ReDilate\'d model and keeps the source latent exactly where the mask is 0', async () => {
      const context = nodeContext();
      const [model, clip, vae] = (await loadCheckpointNode({ modelsDir: await tinyModelsDir() }).execute({ model: 'tiny-sd', prediction: undefined }, context)).outputs as [ModelHandle, ClipHandle, VaeHandle];
      const [pixels, mask] = (await loadImage.execute({ image: source }, context)).outputs as [ImageBatch, MaskBatch];
      const [encoded] = (await vaeEncodeForInpaint.execute({ pixels, vae, mask, grow_mask_by: 6 }, context)).outputs as [Latent];
      const [upscaled] = (await latentUpscaleBy.execute({ samples: encoded, upscale_method: 'nearest-exact', scale_by: 2 }, context)).outputs as [Latent];
      const [redilated] = (await reDilate.execute({ model, layers: 'down_blocks.1\nmid_block\nup_blocks.0', factor: 2, start: 0, end: 0.6, progressive: false }, context)).outputs as [ModelHandle];
      const encodeText = async (text: string) => (await textEncode.execute({ clip, text }, context)).outputs[0] as ConditioningList;
      const inputs = { model: redilated, positive: await encodeText('a red circle'), negative: await encodeText('blurry'), latent: upscaled, seed: 5, steps: 4, cfg: 4, sampler: 'euler', scheduler: 'normal', eta: 0, denoise: 1 } as const;
      const [sampled] = (await sampler.execute(inputs, context)).outputs as [Latent];
      assert.deepEqual(sampled.dims, [1, 4, TINY_SD_SIDE / 4, TINY_SD_SIDE / 4]);
      const denoiseMask = denoiseMaskFor(upscaled.noiseMask!, upscaled.dims);
      let kept = 0;
      let changed = 0;
      denoiseMask.forEach((weight, i) => {
        if (weight === 0) {
          kept++;
          assert.ok(Math.abs(sampled.samples[i]! - upscaled.samples[i]!) <= 1e-5 * (1 + Math.abs(upscaled.samples[i]!)), `latent value ${i}`);
        } else if (weight === 1 && Math.abs(sampled.samples[i]! - upscaled.samples[i]!) > 0.1) changed++;
      });
      assert.ok(kept > 0 && changed > 0, `kept ${kept}, changed ${changed}`);
    });
  });
});
