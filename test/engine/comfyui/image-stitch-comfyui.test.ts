/**
 * ImageStitch to and from ComfyUI: an API-format prompt (two SolidMask → MaskToImage images stitched
 * one below the other, padded, with a spacing of 1) imports with its values and runs to the PNG
 * ComfyUI's node gives, worked out by hand; a workflow of ours exports to the UI format with
 * ComfyUI's widget order and to the API format, and both come back as the same prompt.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { exportComfyUiPrompt } from '../../../app/engine/comfyui/export-api.js';
import { exportComfyUiWorkflow } from '../../../app/engine/comfyui/export-ui.js';
import { importComfyUi } from '../../../app/engine/comfyui/import-comfyui.js';
import { loadWorkflow } from '../../../app/engine/workflow-load.js';
import { workflowToPrompt } from '../../../app/engine/workflow-to-prompt.js';
import { decodePng } from '../../../app/imaging/png-metadata.js';
import { EngineHarness } from '../../support/engine-harness.js';
import { WorkflowBuilder } from '../../support/workflow-builder.js';

const API_PROMPT = {
  1: { class_type: 'SolidMask', inputs: { value: 0.25, width: 6, height: 4 } },
  2: { class_type: 'MaskToImage', inputs: { mask: ['1', 0] } },
  3: { class_type: 'SolidMask', inputs: { value: 0.75, width: 3, height: 2 } },
  4: { class_type: 'MaskToImage', inputs: { mask: ['3', 0] } },
  5: { class_type: 'ImageStitch', inputs: { image1: ['2', 0], image2: ['4', 0], direction: 'down', match_image_size: false, spacing_width: 1, spacing_color: 'blue' }, _meta: { title: 'Image Stitch' } },
  6: { class_type: 'ImageStitch', inputs: { image1: ['5', 0], direction: 'right', match_image_size: true, spacing_width: 0, spacing_color: 'white' } },
  7: { class_type: 'SaveImage', inputs: { images: ['6', 0], filename_prefix: 'stitch' } },
};

describe('ImageStitch from ComfyUI\'s API format', () => {
  const engine = new EngineHarness();

  test('maps onto ours with its values; image2 left out stays unconnected', () => {
    const result = importComfyUi(API_PROMPT, engine.registry);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.unknownTypes, []);
    const stitches = result.workflow.nodes.filter((node) => node.type === 'ImageStitch');
    assert.equal(stitches[0]!.title, undefined, 'ComfyUI\'s default title is no title of the user\'s');
    assert.deepEqual(stitches.map((node) => node.widgets), [
      { direction: 'down', match_image_size: false, spacing_width: 1, spacing_color: 'blue' },
      { direction: 'right', match_image_size: true, spacing_width: 0, spacing_color: 'white' },
    ]);
    assert.equal(stitches[1]!.inputs.find((input) => input.name === 'image2')?.link ?? null, null);
    assert.deepEqual(engine.service.handle('validate', { workflow: result.workflow }), { issues: [] });
  });

  test('runs: 6×4 grey 64 above a strip of 2 blue rows and the 3×2 grey 191 padded black (one column left, two right)', async () => {
    const job = await engine.run(API_PROMPT);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const [image] = job.outputOf('7')!.images as Array<{ filename: string; subfolder: string }>;
    const png = decodePng(readFileSync(path.join(engine.outputDir, image!.subfolder, image!.filename)));
    const grey = (level: number) => [level, level, level];
    const rows = [
      ...Array.from({ length: 4 }, () => Array.from({ length: 6 }, () => grey(64))),
      ...Array.from({ length: 2 }, () => Array.from({ length: 6 }, () => [0, 0, 255])),
      ...Array.from({ length: 2 }, () => [grey(0), grey(191), grey(191), grey(191), grey(0), grey(0)]),
    ];
    assert.deepEqual([png.width, png.height], [6, 8]);
    assert.deepEqual(Array.from(png.data), rows.flat(2));
  });
});

describe('ImageStitch exported to ComfyUI', () => {
  const engine = new EngineHarness();
  const graph = new WorkflowBuilder(engine.registry);
  const first = graph.add('SolidMask', { value: 0.5, width: 8, height: 8 });
  const firstImage = graph.add('MaskToImage');
  const second = graph.add('SolidMask', { value: 1, width: 4, height: 8 });
  const secondImage = graph.add('MaskToImage');
  const stitch = graph.add('ImageStitch', { direction: 'left', match_image_size: false, spacing_width: 4, spacing_color: 'green' });
  const save = graph.add('SaveImage', { filename_prefix: 'pair' });
  graph.connect(first, 0, firstImage, 'mask');
  graph.connect(second, 0, secondImage, 'mask');
  graph.connect(firstImage, 0, stitch, 'image1');
  graph.connect(secondImage, 0, stitch, 'image2');
  graph.connect(stitch, 0, save, 'images');
  const workflow = graph.build();
  const promptOf = (json: unknown) => {
    const loaded = loadWorkflow(JSON.parse(JSON.stringify(json)), engine.registry);
    assert.ok(loaded.ok, loaded.ok ? '' : JSON.stringify(loaded.issues));
    return workflowToPrompt(loaded.workflow, engine.registry);
  };

  test('UI format: ComfyUI\'s type, title, widget order and both image inputs; it imports back to the same prompt', () => {
    const comfy = exportComfyUiWorkflow(workflow, engine.registry).comfy;
    const node = comfy.nodes.find((candidate) => candidate.id === stitch)!;
    assert.equal(node.type, 'ImageStitch');
    assert.deepEqual(node.widgets_values, ['left', false, 4, 'green']);
    assert.deepEqual(node.inputs.filter((input) => input.widget === undefined).map((input) => [input.name, input.type, input.link !== null]), [['image1', 'IMAGE', true], ['image2', 'IMAGE', true]]);
    assert.deepEqual(promptOf(comfy), promptOf(workflow));
  });

  test('API format: ComfyUI\'s class type, inputs and title', () => {
    const { comfy } = exportComfyUiPrompt(workflow, engine.registry);
    assert.deepEqual(comfy[String(stitch)], {
      class_type: 'ImageStitch',
      inputs: { image1: [String(firstImage), 0], image2: [String(secondImage), 0], direction: 'left', match_image_size: false, spacing_width: 4, spacing_color: 'green' },
      _meta: { title: 'Image Stitch' },
    });
    assert.deepEqual(promptOf(comfy), promptOf(workflow));
  });
});
