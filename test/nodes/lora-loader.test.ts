/**
 * LoraLoader and LoraLoaderModelOnly in workflows on the tiny pipeline: the loras/ folders list the
 * files, strength 0 changes nothing, a LoRA changes the image (the UNet through MODEL, the text
 * encoder through CLIP), LoRAs chain, a ScaleCrafter-prepared UNet runs with the merged weights, a
 * LoRA of another family is refused on lora_name naming the file and key, and ComfyUI's nodes
 * import. The merge itself is checked against a direct computation in test/models/lora.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importComfyUi } from '../../app/engine/comfyui/import-comfyui.js';
import { decodePng } from '../../app/imaging/png-metadata.js';
import type { Workflow, WidgetValue } from '../../app/protocol/index.js';
import { nodeOfType, tinySdWorkflow } from '../support/default-workflow.js';
import { EngineHarness, type JobRecord } from '../support/engine-harness.js';
import { convModule, linearModule, writeLoraFile } from '../support/lora-files.js';
import { tinyModelsDir } from '../support/tiny-model.js';

const BLOCK = 'down_blocks.1.attentions.0.transformer_blocks.0';
const STYLE_MODULES = [
  linearModule('unet', `${BLOCK}.attn1.to_q`, 64, 64, 4, 41, 4),
  linearModule('unet', `${BLOCK}.attn2.to_v`, 32, 64, 4, 43, 4),
  convModule('mid_block.resnets.0.conv1', 64, 64, 3, 4, 45, 4),
  linearModule('text_encoder', 'text_model.encoder.layers.0.mlp.fc2', 37, 32, 4, 47, 4),
];
const DETAIL_MODULES = [linearModule('unet', 'up_blocks.0.attentions.1.transformer_blocks.0.attn2.to_q', 64, 64, 2, 51)];
/** kohya's SDXL names: its second text encoder (1280 wide) and an LDM-named UNet block. */
const SDXL_MODULES = [
  linearModule('text_encoder_2', 'text_model.encoder.layers.0.self_attn.q_proj', 1280, 1280, 2, 61),
  linearModule('unet', 'input_blocks.4.1.transformer_blocks.0.attn1.to_q', 640, 640, 2, 63),
];

/** An sd-scripts SDXL LoRA at tiny-sdxl's sizes: both text encoders and LDM-named UNet modules. */
const TINY_SDXL_MODULES = [
  { ...linearModule('text_encoder', 'text_model.encoder.layers.0.self_attn.q_proj', 32, 32, 4, 81, 4), fileName: 'lora_te1_text_model_encoder_layers_0_self_attn_q_proj' },
  linearModule('text_encoder_2', 'text_model.encoder.layers.0.self_attn.q_proj', 32, 32, 4, 83, 4),
  { ...linearModule('unet', 'down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k', 64, 32, 4, 85, 4), fileName: 'lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k' },
  { ...convModule('down_blocks.1.resnets.0.conv1', 32, 32, 3, 4, 87, 4), fileName: 'lora_unet_input_blocks_4_0_in_layers_2' },
];

/** Rewires the LoadCheckpoint's MODEL (and, with a clip input, CLIP) links through a new node of `type`. */
function throughLoader(workflow: Workflow, type: 'LoraLoader' | 'LoraLoaderModelOnly', widgets: Record<string, WidgetValue>): Workflow {
  const loader = nodeOfType(workflow, 'LoadCheckpoint');
  const id = workflow.last_node_id + 1;
  const slots = type === 'LoraLoader' ? [['model', 'MODEL'], ['clip', 'CLIP']] as const : [['model', 'MODEL']] as const;
  const node = {
    id, type, version: 1, pos: [0, 0] as [number, number], size: [200, 100] as [number, number], mode: 0 as const,
    inputs: [] as Workflow['nodes'][number]['inputs'], outputs: [] as Workflow['nodes'][number]['outputs'], widgets, widget_controls: {}, properties: {},
  };
  slots.forEach(([input, linkType], slot) => {
    const outgoing = workflow.links.filter((link) => link.origin_id === loader.id && link.origin_slot === slot);
    for (const link of outgoing) Object.assign(link, { origin_id: id });
    const inLink = ++workflow.last_link_id;
    workflow.links.push({ id: inLink, origin_id: loader.id, origin_slot: slot, target_id: id, target_slot: slot, type: linkType });
    node.inputs.push({ name: input, type: linkType, link: inLink });
    node.outputs.push({ name: linkType, type: linkType, links: outgoing.map((link) => link.id) });
  });
  workflow.nodes.push(node);
  workflow.last_node_id = id;
  return workflow;
}

function failureOf(job: JobRecord) {
  assert.equal(job.end.type, 'error', JSON.stringify(job.end));
  return job.end.type === 'error' ? job.end.failure : undefined!;
}

describe('LoRA loader nodes on the tiny model', () => {
  let engine: EngineHarness;
  let comfy = '';
  let plain: Uint8Array;
  const pixels = (job: JobRecord, saveId: string) => {
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const ui = job.outputOf(saveId) as { images: Array<{ filename: string; subfolder: string }> };
    return decodePng(readFileSync(path.join(engine.outputDir, ui.images[0]!.subfolder, ui.images[0]!.filename))).data;
  };
  const render = async (workflow: Workflow) => pixels(await engine.run(workflow), String(nodeOfType(workflow, 'SaveImage').id));
  const maxDifference = (a: Uint8Array, b: Uint8Array) => a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);
  const lora = (name: string, strengthModel: number, strengthClip: number) => ({ lora_name: name, strength_model: strengthModel, strength_clip: strengthClip });

  before(async () => {
    const modelsDir = await tinyModelsDir();
    await writeLoraFile(path.join(modelsDir, 'loras', 'style.safetensors'), 'kohya', STYLE_MODULES);
    await writeLoraFile(path.join(modelsDir, 'loras', 'sd15', 'detail.safetensors'), 'peft', DETAIL_MODULES);
    comfy = mkdtempSync(path.join(tmpdir(), 'comfy-loras-'));
    mkdirSync(path.join(comfy, 'models', 'loras'), { recursive: true });
    await writeLoraFile(path.join(comfy, 'models', 'loras', 'sdxl-style.safetensors'), 'kohya', SDXL_MODULES);
    await writeLoraFile(path.join(modelsDir, 'loras', 'tiny-sdxl-style.safetensors'), 'kohya', TINY_SDXL_MODULES);
    engine = new EngineHarness({ modelsDir, comfyui: comfy });
    plain = await render(tinySdWorkflow());
  });
  after(() => rmSync(comfy, { recursive: true, force: true }));

  test('lora_name offers the files of the models folder\'s loras/ and of ComfyUI\'s, by ComfyUI\'s names', () => {
    for (const type of ['LoraLoader', 'LoraLoaderModelOnly']) {
      const input = engine.registry.get(type)!.schema.inputs.find((candidate) => candidate.name === 'lora_name')!;
      assert.deepEqual(input.kind === 'STRING' ? input.suggestions : undefined, ['sd15/detail.safetensors', 'sdxl-style.safetensors', 'style.safetensors', 'tiny-sdxl-style.safetensors'], type);
    }
  });

  test('strength 0 gives the image without the LoRA; a strength changes it through the UNet and through the text encoder', async () => {
    assert.deepEqual(await render(throughLoader(tinySdWorkflow(), 'LoraLoader', lora('style.safetensors', 0, 0))), plain);
    const both = await render(throughLoader(tinySdWorkflow(), 'LoraLoader', lora('style.safetensors', 1, 1)));
    const modelOnly = await render(throughLoader(tinySdWorkflow(), 'LoraLoaderModelOnly', { lora_name: 'style.safetensors', strength_model: 1 }));
    const clipOnly = await render(throughLoader(tinySdWorkflow(), 'LoraLoader', lora('style.safetensors', 0, 1)));
    assert.ok(maxDifference(both, plain) > 10, 'the LoRA should change the picture');
    assert.ok(maxDifference(modelOnly, plain) > 10 && maxDifference(modelOnly, both) > 10, 'LoraLoaderModelOnly changes the UNet only');
    assert.ok(maxDifference(clipOnly, plain) > 10 && maxDifference(clipOnly, both) > 10, 'strength_clip alone changes the text encoder only');
  });

  test('chained loaders stack: a second LoRA changes the image again, and a changed strength is applied', async () => {
    const one = throughLoader(tinySdWorkflow(), 'LoraLoader', lora('style.safetensors', 1, 1));
    const first = await render(one);
    const chained = await render(throughLoader(structuredClone(one), 'LoraLoaderModelOnly', { lora_name: 'sd15\\detail.safetensors', strength_model: 2 }));
    assert.ok(maxDifference(chained, first) > 10, 'the second LoRA should change the picture');
    const weaker = await render(throughLoader(tinySdWorkflow(), 'LoraLoader', lora('style.safetensors', 0.5, 1)));
    assert.ok(maxDifference(weaker, first) > 0 && maxDifference(weaker, plain) > 0, 'strength 0.5 lies between');
  });

  test('a ScaleCrafter-prepared UNet runs with the merged weights: with its controls off it gives the LoRA\'s plain image', async () => {
    const withLora = throughLoader(tinySdWorkflow(), 'LoraLoader', lora('style.safetensors', 1, 1));
    const expected = await render(withLora);
    const sampler = nodeOfType(withLora, 'Sampler');
    const modelLink = withLora.links.find((link) => link.id === sampler.inputs.find((input) => input.name === 'model')!.link)!;
    const id = withLora.last_node_id + 1;
    const linkId = ++withLora.last_link_id;
    withLora.nodes.push({
      id, type: 'ReDilate', version: 1, pos: [0, 0], size: [200, 100], mode: 0,
      inputs: [{ name: 'model', type: 'MODEL', link: modelLink.id }], outputs: [{ name: 'MODEL', type: 'MODEL', links: [linkId] }],
      widgets: { layers: 'down_blocks.1\nmid_block', factor: 2, start: 0, end: 0, progressive: false }, widget_controls: {}, properties: {},
    });
    Object.assign(modelLink, { target_id: id, target_slot: 0 });
    withLora.links.push({ id: linkId, origin_id: id, origin_slot: 0, target_id: sampler.id, target_slot: 0, type: 'MODEL' });
    sampler.inputs.find((input) => input.name === 'model')!.link = linkId;
    withLora.last_node_id = id;
    const prepared = await render(withLora);
    assert.ok(maxDifference(prepared, expected) <= 1, `prepared UNet with the LoRA, controls off: ${maxDifference(prepared, expected)}/255`);
  });

  test('an sd-scripts SDXL LoRA (lora_te1_, lora_te2_, LDM-named UNet) on tiny-sdxl changes the image through the UNet and through the encoders', async () => {
    const sdxl = () => {
      const workflow = tinySdWorkflow();
      nodeOfType(workflow, 'LoadCheckpoint').widgets.model = 'tiny-sdxl';
      return workflow;
    };
    const plainSdxl = await render(sdxl());
    const modelOnly = await render(throughLoader(sdxl(), 'LoraLoader', lora('tiny-sdxl-style.safetensors', 1, 0)));
    const clipOnly = await render(throughLoader(sdxl(), 'LoraLoader', lora('tiny-sdxl-style.safetensors', 0, 1)));
    assert.ok(maxDifference(modelOnly, plainSdxl) > 10, 'the UNet modules should change the picture');
    assert.ok(maxDifference(clipOnly, plainSdxl) > 10 && maxDifference(clipOnly, modelOnly) > 10, 'the text-encoder modules should change it otherwise');
  });

  test('an SDXL LoRA on SD 1.5 is refused on lora_name, naming the file and its first key that does not fit', async () => {
    const failure = failureOf(await engine.run(throughLoader(tinySdWorkflow(), 'LoraLoader', lora('sdxl-style.safetensors', 1, 1))));
    assert.equal(failure.field, 'lora_name');
    assert.match(failure.message, /sdxl-style\.safetensors/);
    assert.match(failure.message, /lora_te2_text_model_encoder_layers_0_self_attn_q_proj/);
    assert.match(failure.hint ?? '', /another model family/);
    const modelOnly = failureOf(await engine.run(throughLoader(tinySdWorkflow(), 'LoraLoaderModelOnly', { lora_name: 'sdxl-style.safetensors', strength_model: 1 })));
    assert.match(modelOnly.message, /lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q/);
  });

  test('a ComfyUI workflow with LoraLoader and LoraLoaderModelOnly imports with its widgets and runs', async () => {
    const api = JSON.parse(readFileSync(new URL('../fixtures/comfyui/default-workflow-api.json', import.meta.url), 'utf8')) as Record<string, { inputs: Record<string, unknown> }>;
    api['4']!.inputs.ckpt_name = 'tiny-sd';
    Object.assign(api['5']!.inputs, { width: 32, height: 32 });
    Object.assign(api['3']!.inputs, { steps: 2, model: ['11', 0] });
    api['6']!.inputs.clip = ['10', 1];
    api['7']!.inputs.clip = ['10', 1];
    const json = {
      ...api,
      10: { inputs: { lora_name: 'style.safetensors', strength_model: 0.7, strength_clip: 0.3, model: ['4', 0], clip: ['4', 1] }, class_type: 'LoraLoader', _meta: { title: 'Load LoRA' } },
      11: { inputs: { lora_name: 'sd15/detail.safetensors', strength_model: 1.5, model: ['10', 0] }, class_type: 'LoraLoaderModelOnly', _meta: { title: 'LoraLoaderModelOnly' } },
    };
    const imported = importComfyUi(json, engine.registry);
    assert.ok(imported.ok, imported.ok ? '' : JSON.stringify(imported.issues));
    assert.deepEqual(imported.unknownTypes, []);
    assert.deepEqual(nodeOfType(imported.workflow, 'LoraLoader').widgets, { lora_name: 'style.safetensors', strength_model: 0.7, strength_clip: 0.3 });
    assert.deepEqual(nodeOfType(imported.workflow, 'LoraLoaderModelOnly').widgets, { lora_name: 'sd15/detail.safetensors', strength_model: 1.5 });
    const job = await engine.run(imported.workflow);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
  });
});
