/**
 * The PNGs SaveImage writes open in ComfyUI and back here: ComfyUI's forms under the keywords its
 * frontend reads (`workflow`, then `prompt`), ours under its own keyword. Each embedded form, run
 * again by an engine with an empty cache, paints the same pixels on the tiny model.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { asciiJson, encodeRgbPng } from '../../app/imaging/png-metadata.js';
import { OWN_WORKFLOW_CHUNK } from '../../app/protocol/index.js';
import type { Workflow } from '../../app/protocol/index.js';
import { workflowJsonFromBytes } from '../../renderer/src/workflow/workflow-source.js';
import { comfyUiApiPromptSchema, comfyUiWorkflowSchema } from '../support/comfyui-workflow-schema.js';
import { insertModelPatch, nodeOfType, tinySdWorkflow } from '../support/default-workflow.js';
import { EngineHarness, type JobRecord } from '../support/engine-harness.js';
import { tinyModelsDir } from '../support/tiny-model.js';

/** tiny-sd, 3 DDIM steps with eta (a value ComfyUI's KSampler has no widget for), a ReDilate on the MODEL link. */
function scaleCrafterWorkflow(): Workflow {
  const workflow = tinySdWorkflow();
  Object.assign(nodeOfType(workflow, 'Sampler').widgets, { steps: 3, sampler: 'ddim', eta: 0.7 });
  insertModelPatch(workflow, 'ReDilate', { layers: 'mid_block\nup_blocks.0', factor: 2, start: 0, end: 0.7, progressive: false });
  return workflow;
}

async function savedPng(engine: EngineHarness, workflow: unknown, saveId: string) {
  const job: JobRecord = await engine.run(workflow);
  assert.equal(job.end.type, 'done', JSON.stringify(job.end));
  const [image] = (job.outputOf(saveId)?.images ?? []) as Array<{ filename: string; subfolder: string }>;
  return decodePng(readFileSync(path.join(engine.outputDir, image!.subfolder, image!.filename)));
}

describe('PNG metadata for ComfyUI and for this app', () => {
  const workflow = scaleCrafterWorkflow();
  const saveId = String(nodeOfType(workflow, 'SaveImage').id);
  let modelsDir: string;
  let png: ReturnType<typeof decodePng>;

  before(async () => {
    modelsDir = await tinyModelsDir();
    png = await savedPng(new EngineHarness({ modelsDir }), workflow, saveId);
  });

  test("the chunks ComfyUI's frontend reads hold its UI and API formats, with its names", () => {
    assert.deepEqual(Object.keys(png.text).sort(), ['prompt', OWN_WORKFLOW_CHUNK, 'workflow'].sort());
    // ComfyUI's frontend decodes the chunk as UTF-8 and JSON.parses it; ASCII-escaped JSON reads the same.
    const comfyWorkflow = comfyUiWorkflowSchema.parse(JSON.parse(png.text.workflow!));
    assert.deepEqual(comfyWorkflow.nodes.map((node) => node.type).sort(), ['CLIPTextEncode', 'CLIPTextEncode', 'CheckpointLoaderSimple', 'EmptyLatentImage', 'KSampler', 'ReDilate', 'SaveImage', 'VAEDecode']);
    const prompt = comfyUiApiPromptSchema.parse(JSON.parse(png.text.prompt!));
    const ksampler = prompt[String(nodeOfType(workflow, 'Sampler').id)]!;
    assert.equal(ksampler.class_type, 'KSampler');
    assert.equal(ksampler.inputs.sampler_name, 'ddim');
    assert.deepEqual(ksampler.inputs.model, [String(workflow.last_node_id), 0]);
  });

  test("ComfyUI's workflow chunk, run again, paints the same pixels; so does our own chunk", async () => {
    for (const keyword of ['workflow', OWN_WORKFLOW_CHUNK]) {
      const again = await savedPng(new EngineHarness({ modelsDir }), JSON.parse(png.text[keyword]!), saveId);
      assert.deepEqual(again.data, png.data, `the ${keyword} chunk`);
    }
  });

  test('an image written before the own chunk (our workflow under "workflow") still opens and paints the same', async () => {
    const older = encodeRgbPng(png.data, png.width, png.height, { workflow: png.text[OWN_WORKFLOW_CHUNK]!, prompt: asciiJson({}) });
    const json = workflowJsonFromBytes('ScaleCrafter_00001_.png', older);
    assert.equal((json as Workflow).format, 'scalecrafter-workflow');
    const again = await savedPng(new EngineHarness({ modelsDir }), json, saveId);
    assert.deepEqual(again.data, png.data);
  });
});
