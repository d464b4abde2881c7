import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exportComfyUiPrompt } from '../../../app/engine/comfyui/export-api.js';
import { defaultEngineConfig } from '../../../app/engine/engine-config.js';
import { loadWorkflow } from '../../../app/engine/workflow-load.js';
import { workflowToPrompt } from '../../../app/engine/workflow-to-prompt.js';
import { createNodeRegistry } from '../../../nodes/index.js';
import { comfyUiApiPromptSchema } from '../../support/comfyui-workflow-schema.js';
import { defaultWorkflow } from '../../support/default-workflow.js';
import { WorkflowBuilder } from '../../support/workflow-builder.js';

const registry = createNodeRegistry(defaultEngineConfig());

describe('export to ComfyUI API format', () => {
  test("the default workflow under ComfyUI's class types, input names and values; ComfyUI's default titles where the user gave none", () => {
    const { comfy, notes } = exportComfyUiPrompt(defaultWorkflow(), registry);
    assert.ok(comfyUiApiPromptSchema.safeParse(comfy).success);
    assert.deepEqual(notes, []);
    assert.deepEqual(
      Object.entries(comfy).map(([id, entry]) => [id, entry.class_type, entry._meta.title]),
      [
        ['1', 'CheckpointLoaderSimple', 'Load Checkpoint'],
        ['2', 'CLIPTextEncode', 'Positive prompt'],
        ['3', 'CLIPTextEncode', 'Negative prompt'],
        ['4', 'EmptyLatentImage', 'Empty Latent Image'],
        ['5', 'KSampler', 'KSampler'],
        ['6', 'VAEDecode', 'VAE Decode'],
        ['7', 'SaveImage', 'Save Image'],
      ],
    );
    assert.deepEqual(comfy['5']!.inputs, {
      seed: 42,
      steps: 25,
      cfg: 5,
      sampler_name: 'ddim',
      scheduler: 'normal',
      denoise: 1,
      model: ['1', 0],
      positive: ['2', 0],
      negative: ['3', 0],
      latent_image: ['4', 0],
    });
    assert.deepEqual(comfy['1']!.inputs, { ckpt_name: 'emoji-pixel-32' });
    assert.deepEqual(comfy['6']!.inputs, { samples: ['5', 0], vae: ['1', 2] });
  });

  test('imported back, it runs the same prompt', () => {
    const workflow = defaultWorkflow();
    const { comfy } = exportComfyUiPrompt(workflow, registry);
    const loaded = loadWorkflow(JSON.parse(JSON.stringify(comfy)), registry);
    assert.ok(loaded.ok);
    assert.deepEqual(workflowToPrompt(loaded.workflow, registry), workflowToPrompt(workflow, registry));
  });

  test('muted nodes are left out, bypassed ones wired through, output slots in ComfyUI numbering', () => {
    const graph = new WorkflowBuilder(registry);
    const checkpoint = graph.add('LoadCheckpoint');
    const redilate = graph.add('ReDilate');
    const bypassed = graph.add('NoiseDampedCFG', {}, { mode: 4 });
    const muted = graph.add('DisperseConv', {}, { mode: 2 });
    const encode = graph.add('TextEncode', { text: 'x' });
    graph.connect(checkpoint, 0, redilate, 'model');
    graph.connect(redilate, 0, bypassed, 'model');
    graph.connect(bypassed, 0, muted, 'model');
    graph.connect(checkpoint, 1, encode, 'clip');
    const { comfy } = exportComfyUiPrompt(graph.build(), registry);
    assert.deepEqual(Object.keys(comfy), ['1', '2', '5']);
    assert.deepEqual(comfy['2']!.inputs.model, ['1', 0]);
    assert.equal(comfy['2']!.class_type, 'ReDilate');
    assert.equal(comfy['2']!._meta.title, 'ReDilate');
    assert.deepEqual(comfy['5']!.inputs.clip, ['1', 1]);
  });
});
