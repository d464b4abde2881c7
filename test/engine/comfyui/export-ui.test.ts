import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { exportComfyUiWorkflow } from '../../../app/engine/comfyui/export-ui.js';
import type { ComfyUiNode, ComfyUiWorkflow } from '../../../app/engine/comfyui/export-ui.js';
import { COMFY_NODE_MAP } from '../../../app/engine/comfyui/node-map.js';
import { defaultEngineConfig } from '../../../app/engine/engine-config.js';
import { defineNode } from '../../../app/engine/node-definition.js';
import type { AnyNodeDefinition } from '../../../app/engine/node-definition.js';
import { NodeRegistry } from '../../../app/engine/node-registry.js';
import { loadWorkflow } from '../../../app/engine/workflow-load.js';
import { workflowToPrompt } from '../../../app/engine/workflow-to-prompt.js';
import type { Workflow } from '../../../app/protocol/index.js';
import { createNodeRegistry } from '../../../nodes/index.js';
import { comfyUiWorkflowSchema } from '../../support/comfyui-workflow-schema.js';
import { WorkflowBuilder } from '../../support/workflow-builder.js';

const registry = createNodeRegistry(defaultEngineConfig());

/** LoadCheckpoint → ReDilate → NoiseDampedCFG (bypassed) → Sampler, a primitive feeding the steps, a titled and a muted node. */
function scaleCrafterWorkflow(): Workflow {
  const graph = new WorkflowBuilder(registry);
  const checkpoint = graph.add('LoadCheckpoint', { model: 'tiny-sd' });
  const redilate = graph.add('ReDilate', { factor: 3, progressive: true });
  const damped = graph.add('NoiseDampedCFG', {}, { mode: 4 });
  const positive = graph.add('TextEncode', { text: 'a lighthouse at dusk' });
  const negative = graph.add('TextEncode', { text: '' });
  const latent = graph.add('EmptyLatentImage', { width: 512, height: 384 });
  const sampler = graph.add('Sampler', { seed: 1234, cfg: 6.5, sampler: 'dpmpp_2m', scheduler: 'karras', eta: 0.25, denoise: 0.9 });
  const steps = graph.add('PrimitiveInt', { value: 12 });
  const decode = graph.add('VAEDecode', { tile_size: 256 });
  const save = graph.add('SaveImage', { filename_prefix: 'lighthouse' });
  graph.add('DisperseConv', { eta: 0.1 }, { mode: 2 });
  graph.connect(checkpoint, 0, redilate, 'model');
  graph.connect(redilate, 0, damped, 'model');
  graph.connect(damped, 0, sampler, 'model');
  graph.connect(checkpoint, 1, positive, 'clip');
  graph.connect(checkpoint, 1, negative, 'clip');
  graph.connect(positive, 0, sampler, 'positive');
  graph.connect(negative, 0, sampler, 'negative');
  graph.connect(latent, 0, sampler, 'latent');
  graph.connect(steps, 0, sampler, 'steps');
  graph.connect(sampler, 0, decode, 'samples');
  graph.connect(checkpoint, 2, decode, 'vae');
  graph.connect(decode, 0, save, 'images');
  graph.node(sampler).widget_controls = { seed: 'increment' };
  graph.node(positive).title = 'Positive';
  const workflow = graph.build();
  workflow.groups = [{ title: 'ScaleCrafter', bounding: [0, 0, 600, 300], color: '#335' }];
  workflow.extra = { ds: { scale: 0.8, offset: [10, -20] } };
  return workflow;
}

function exported(workflow: Workflow): ComfyUiWorkflow {
  const result = exportComfyUiWorkflow(workflow, registry);
  return JSON.parse(JSON.stringify(result.comfy)) as ComfyUiWorkflow;
}

const byId = (comfy: ComfyUiWorkflow, id: number): ComfyUiNode => comfy.nodes.find((node) => node.id === id)!;

/** The prompt a workflow runs, after a JSON round trip (as a file would be). */
function promptOf(json: unknown) {
  const loaded = loadWorkflow(JSON.parse(JSON.stringify(json)), registry);
  assert.ok(loaded.ok, loaded.ok ? '' : JSON.stringify(loaded.issues));
  return workflowToPrompt(loaded.workflow, registry);
}

describe('export to ComfyUI UI format', () => {
  const workflow = scaleCrafterWorkflow();
  const comfy = exported(workflow);

  test("passes the workflow schema ComfyUI's frontend checks on open", () => {
    const parsed = comfyUiWorkflowSchema.safeParse(comfy);
    assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
    assert.equal(comfy.version, 0.4);
    assert.equal(comfy.last_node_id, 11);
    assert.equal(comfy.last_link_id, 12);
    assert.deepEqual(comfy.groups, workflow.groups);
    assert.deepEqual(comfy.extra, workflow.extra);
  });

  test("nodes with a counterpart carry ComfyUI's type, input names and widget order", () => {
    assert.deepEqual(
      comfy.nodes.map((node) => [node.id, node.type, node.properties['Node name for S&R']]),
      [
        [1, 'CheckpointLoaderSimple', 'CheckpointLoaderSimple'],
        [2, 'ReDilate', 'ReDilate'],
        [3, 'NoiseDampedCFG', 'NoiseDampedCFG'],
        [4, 'CLIPTextEncode', 'CLIPTextEncode'],
        [5, 'CLIPTextEncode', 'CLIPTextEncode'],
        [6, 'EmptyLatentImage', 'EmptyLatentImage'],
        [7, 'KSampler', 'KSampler'],
        [8, 'PrimitiveInt', 'PrimitiveInt'],
        [9, 'VAEDecode', 'VAEDecode'],
        [10, 'SaveImage', 'SaveImage'],
        [11, 'DisperseConv', 'DisperseConv'],
      ],
    );
    const ksampler = byId(comfy, 7);
    // seed, its control_after_generate, steps, cfg, sampler_name, scheduler, denoise — KSampler's order.
    assert.deepEqual(ksampler.widgets_values, [1234, 'increment', 20, 6.5, 'dpmpp_2m', 'karras', 0.9]);
    assert.deepEqual(
      ksampler.inputs.map((input) => [input.name, input.type, input.widget?.name ?? null]),
      [['model', 'MODEL', null], ['positive', 'CONDITIONING', null], ['negative', 'CONDITIONING', null], ['latent_image', 'LATENT', null], ['steps', 'INT', 'steps']],
    );
    assert.deepEqual(byId(comfy, 1).widgets_values, ['tiny-sd']);
    assert.deepEqual(byId(comfy, 1).outputs.map((output) => output.type), ['MODEL', 'CLIP', 'VAE']);
    assert.deepEqual(byId(comfy, 6).widgets_values, [512, 384, 1]);
    assert.deepEqual(byId(comfy, 10).widgets_values, ['lighthouse']);
    assert.deepEqual(byId(comfy, 9).widgets_values, []);
    assert.equal(byId(comfy, 4).title, 'Positive');
    assert.deepEqual([byId(comfy, 3).mode, byId(comfy, 11).mode], [4, 2]);
  });

  test('values ComfyUI has no widget for travel in the scalecrafter property', () => {
    assert.deepEqual(byId(comfy, 7).properties.scalecrafter, { type: 'Sampler', version: 1, widgets: { eta: 0.25 }, widget_controls: {} });
    assert.deepEqual((byId(comfy, 9).properties.scalecrafter as { widgets: unknown }).widgets, { tile_size: 256 });
    assert.equal(byId(comfy, 6).properties.scalecrafter, undefined);
  });

  test('ScaleCrafter nodes are kept as unknown nodes: own type and slots, values in their widget order and by name', () => {
    const redilate = byId(comfy, 2);
    const values = workflow.nodes.find((node) => node.id === 2)!.widgets;
    // ReDilate's widgets: layers, factor, start, end, progressive.
    assert.deepEqual(redilate.widgets_values, [values.layers, 3, values.start, values.end, true]);
    assert.deepEqual(redilate.properties.scalecrafter, { type: 'ReDilate', version: 1, widgets: values, widget_controls: {} });
    assert.deepEqual(redilate.inputs.map((input) => input.name), ['model']);
    assert.deepEqual(redilate.outputs.map((output) => output.name), ['MODEL']);
  });

  test('every link is recorded at both ends, at the slots ComfyUI numbers', () => {
    assert.equal(comfy.links.length, workflow.links.length);
    for (const [id, originId, originSlot, targetId, targetSlot, type] of comfy.links) {
      const origin = byId(comfy, originId).outputs[originSlot]!;
      const target = byId(comfy, targetId).inputs[targetSlot]!;
      assert.ok(origin.links.includes(id), `link ${id} is on its origin's output`);
      assert.equal(target.link, id, `link ${id} is on its target's input`);
      assert.equal(origin.type, type);
      assert.equal(target.type, type);
    }
    const inputLinks = comfy.nodes.flatMap((node) => node.inputs.map((input) => input.link)).filter((link) => link !== null);
    assert.equal(inputLinks.length, comfy.links.length);
  });

  test('importing the export back gives the same prompt', () => {
    assert.deepEqual(promptOf(comfy), promptOf(workflow));
  });

  test('a second export of the imported file is the same file', () => {
    const loaded = loadWorkflow(comfy, registry);
    assert.ok(loaded.ok);
    assert.deepEqual(exported(loaded.workflow), comfy);
  });

  test('every shipped workflow comes back with the same prompt', () => {
    const folder = new URL('../../../workflows/', import.meta.url);
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.json'))) {
      const shipped = loadWorkflow(JSON.parse(readFileSync(new URL(file, folder), 'utf8')), registry);
      assert.ok(shipped.ok, file);
      const comfyFile = exported(shipped.workflow);
      assert.ok(comfyUiWorkflowSchema.safeParse(comfyFile).success, file);
      assert.deepEqual(promptOf(comfyFile), promptOf(shipped.workflow), file);
    }
  });
});

describe('what ComfyUI\'s form cannot hold', () => {
  test('a link into a widget ComfyUI\'s node lacks is left out, and said so', () => {
    const graph = new WorkflowBuilder(registry);
    const sampler = graph.add('Sampler');
    const eta = graph.add('PrimitiveFloat', { value: 0.4 });
    graph.connect(eta, 0, sampler, 'eta');
    const { comfy, notes } = exportComfyUiWorkflow(graph.build(), registry);
    assert.deepEqual(comfy.links, []);
    assert.deepEqual(byId(comfy, 1).inputs.map((input) => input.name), ['model', 'positive', 'negative', 'latent_image']);
    assert.deepEqual(byId(comfy, 2).outputs[0]!.links, []);
    assert.deepEqual(notes, ['node 1 (Sampler): ComfyUI\'s KSampler has no input "eta"; the link into it was left out']);
  });
});

describe('export of nodes kept from a ComfyUI import', () => {
  test('a node type this app lacks goes back with its type, slots and widget values', () => {
    const graph = new WorkflowBuilder(registry);
    graph.add('LoadCheckpoint', { model: 'tiny-sd' });
    const workflow = graph.build();
    // A custom node's class (this app has a LoraLoader of its own, which would export as itself).
    workflow.nodes.push({
      id: 2,
      type: 'LoraLoader|pysssss',
      version: 1,
      pos: [300, 100],
      size: [315, 126],
      mode: 0,
      color: '#223',
      inputs: [{ name: 'model', type: 'MODEL', link: 1 }, { name: 'clip', type: 'CLIP', link: 2 }],
      outputs: [{ name: 'MODEL', type: 'MODEL', links: [] }, { name: 'CLIP', type: 'CLIP', links: [] }],
      widgets: {},
      widget_controls: {},
      properties: { 'Node name for S&R': 'LoraLoader|pysssss', comfyui_widgets_values: ['detail.safetensors', 0.8, 0.6] },
    });
    workflow.links.push({ id: 1, origin_id: 1, origin_slot: 0, target_id: 2, target_slot: 0, type: 'MODEL' }, { id: 2, origin_id: 1, origin_slot: 1, target_id: 2, target_slot: 1, type: 'CLIP' });
    workflow.last_node_id = 2;
    workflow.last_link_id = 2;
    const lora = byId(exported(workflow), 2);
    assert.equal(lora.type, 'LoraLoader|pysssss');
    assert.equal(lora.color, '#223');
    assert.deepEqual(lora.widgets_values, ['detail.safetensors', 0.8, 0.6]);
    assert.deepEqual(lora.properties, { 'Node name for S&R': 'LoraLoader|pysssss' });
    assert.deepEqual(lora.inputs.map((input) => [input.name, input.link]), [['model', 1], ['clip', 2]]);
    assert.equal('widgets' in lora || 'version' in lora || 'widget_controls' in lora, false);
  });
});

/** A node of ours with no ComfyUI counterpart, at version 1 (`strength`) or 2 (renamed `amount`). */
function vignette(version: 1 | 2): AnyNodeDefinition {
  const widget = version === 1 ? 'strength' : 'amount';
  return defineNode({
    schema: {
      type: 'Vignette',
      displayName: 'Vignette',
      category: 'test',
      description: 'a node type that renamed a widget in version 2',
      version,
      outputNode: false,
      idempotent: true,
      inputs: [{ name: widget, kind: 'FLOAT', default: 0.5, min: 0, max: 1, step: 0.1 }],
      outputs: [{ name: 'FLOAT', type: 'FLOAT' }],
    },
    execute: (values) => ({ outputs: [Object.values(values)[0]] }),
    ...(version === 2 ? { migrations: [{ fromVersion: 1, migrate: ({ strength, ...rest }) => ({ ...rest, amount: strength ?? 0.5 }) }] } : {}),
  });
}

describe('a node of ours exported by an older version', () => {
  test('comes back through its node-type migrations', () => {
    const graph = new WorkflowBuilder(new NodeRegistry([vignette(1)]));
    graph.add('Vignette', { strength: 0.8 });
    const file = exportComfyUiWorkflow(graph.build(), new NodeRegistry([vignette(1)])).comfy;
    const loaded = loadWorkflow(JSON.parse(JSON.stringify(file)), new NodeRegistry([vignette(2)]));
    assert.ok(loaded.ok, loaded.ok ? '' : JSON.stringify(loaded.issues));
    assert.deepEqual([loaded.workflow.nodes[0]!.version, loaded.workflow.nodes[0]!.widgets], [2, { amount: 0.8 }]);
  });
});

describe('the node map reads both ways', () => {
  test('every converted widget has a conversion back, and a converted ComfyUI value comes back as it was', () => {
    for (const mapping of COMFY_NODE_MAP.values()) {
      for (const ourName of Object.keys(mapping.convert ?? {})) {
        const back = mapping.convertBack?.[ourName];
        assert.ok(back, `${mapping.comfyType}: "${ourName}" converts on import but not back on export`);
      }
    }
    const ksampler = COMFY_NODE_MAP.get('KSampler')!;
    const schedulers = ['karras', 'normal', 'exponential', 'sgm_uniform', 'simple', 'ddim_uniform', 'beta', 'kl_optimal'];
    const samplers = ['euler', 'euler_ancestral', 'ddim', 'dpmpp_2m', 'heun', 'dpm_2', 'dpm_2_ancestral', 'lms', 'dpmpp_2s_ancestral', 'dpmpp_sde', 'dpmpp_2m_sde', 'dpmpp_3m_sde', 'ddpm', 'lcm', 'ipndm', 'uni_pc', 'uni_pc_bh2', 'dpm_fast'];
    for (const comfyName of [...samplers, ...schedulers]) {
      const field = schedulers.includes(comfyName) ? 'scheduler' : 'sampler';
      const ours = ksampler.convert![field]!(comfyName).value;
      assert.equal(ksampler.convertBack![field]!(ours), comfyName);
    }
  });
});
