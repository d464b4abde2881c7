/**
 * ComfyUI workflows as people share them: reroutes, primitives feeding converted widgets, bypassed and
 * muted nodes, groups, (nested) subgraphs and promoted widgets in both of the frontend's forms. Each graph is run on the tiny model and must give the
 * same pixels, bit for bit, as the flat API prompt ComfyUI's graphToPrompt would send for it — also
 * run here — and the test shows it can tell (the stale widget value gives other pixels).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { exportComfyUiWorkflow } from '../../../app/engine/comfyui/export-ui.js';
import { loadWorkflow } from '../../../app/engine/workflow-load.js';
import { flattenWorkflow } from '../../../app/engine/workflow-to-prompt.js';
import { decodePng } from '../../../app/imaging/png-metadata.js';
import { ComfyGraphBuilder } from '../../support/comfy-ui-builder.js';
import { EngineHarness } from '../../support/engine-harness.js';
import { tinyModelsDir } from '../../support/tiny-model.js';
import { COMFY_SLOTS, widgetInput, wireTextToImage } from './comfy-slots.js';

const SEED = 11;
const STALE_SEED = 999;
const PROMPT = 'a red apple';

/** The flat API prompt every graph below stands for (ComfyUI's default graph at the tiny model's size). */
function flatPrompt(seed = SEED): Record<string, unknown> {
  return {
    4: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'tiny-sd' } },
    5: { class_type: 'EmptyLatentImage', inputs: { width: 32, height: 32, batch_size: 1 } },
    6: { class_type: 'CLIPTextEncode', inputs: { text: PROMPT, clip: ['4', 1] } },
    7: { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip: ['4', 1] } },
    3: {
      class_type: 'KSampler',
      inputs: { seed, steps: 2, cfg: 7, sampler_name: 'dpmpp_2m', scheduler: 'karras', denoise: 1, model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0] },
    },
    8: { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    9: { class_type: 'SaveImage', inputs: { filename_prefix: 'flat', images: ['8', 0] } },
  };
}

const samplerWidgets = (seed: number) => [seed, 'fixed', 2, 7, 'dpmpp_2m', 'karras', 1];

/** The loaders, the latent and the output of ComfyUI's default graph; tests wire the middle. */
function outerNodes(graph: ComfyGraphBuilder): void {
  graph.add(4, 'CheckpointLoaderSimple', COMFY_SLOTS.CheckpointLoaderSimple, ['tiny-sd']);
  graph.add(5, 'EmptyLatentImage', COMFY_SLOTS.EmptyLatentImage, [32, 32, 1]);
  graph.add(8, 'VAEDecode', COMFY_SLOTS.VAEDecode);
  graph.add(9, 'SaveImage', COMFY_SLOTS.SaveImage, ['drawn']);
}

/** Reroutes on MODEL (two in a row) and VAE; primitives feeding the seed and the prompt over stale widget values; a group. */
function reroutesAndPrimitives(): Record<string, unknown> {
  const graph = new ComfyGraphBuilder();
  outerNodes(graph);
  graph.add(6, 'CLIPTextEncode', { inputs: [...COMFY_SLOTS.CLIPTextEncode.inputs, widgetInput('text', 'STRING')], outputs: COMFY_SLOTS.CLIPTextEncode.outputs }, ['a stale prompt']);
  graph.add(7, 'CLIPTextEncode', COMFY_SLOTS.CLIPTextEncode, ['blurry']);
  graph.add(3, 'KSampler', { inputs: [...COMFY_SLOTS.KSampler.inputs, widgetInput('seed', 'INT')], outputs: COMFY_SLOTS.KSampler.outputs }, samplerWidgets(STALE_SEED));
  graph.add(20, 'Reroute', COMFY_SLOTS.Reroute);
  graph.add(21, 'Reroute', COMFY_SLOTS.Reroute);
  graph.add(22, 'Reroute', COMFY_SLOTS.Reroute);
  graph.add(30, 'PrimitiveNode', { outputs: [{ name: 'INT', type: 'INT', widget: { name: 'seed' } }] }, [SEED, 'increment']);
  graph.add(31, 'PrimitiveNode', { outputs: [{ name: 'STRING', type: 'STRING', widget: { name: 'text' } }] }, [PROMPT]);
  graph.connect(4, 0, 20, '');
  graph.connect(20, 0, 21, '');
  graph.connect(21, 0, 3, 'model');
  graph.connect(4, 2, 22, '');
  graph.connect(22, 0, 8, 'vae');
  graph.connect(30, 0, 3, 'seed');
  graph.connect(31, 0, 6, 'text');
  wireTextToImage(graph);
  return graph.workflow({ groups: [{ title: 'Sampling', bounding: [0, 0, 800, 400], color: '#3f789e', font_size: 24, flags: {} }] });
}


/**
 * A bypassed LoraLoader (no counterpart here) between the checkpoint and everything using MODEL and
 * CLIP, a bypassed second KSampler after the first, and a muted decoder feeding a second SaveImage.
 */
function bypassedAndMuted(): Record<string, unknown> {
  const graph = new ComfyGraphBuilder();
  outerNodes(graph);
  graph.add(6, 'CLIPTextEncode', COMFY_SLOTS.CLIPTextEncode, [PROMPT]);
  graph.add(7, 'CLIPTextEncode', COMFY_SLOTS.CLIPTextEncode, ['blurry']);
  graph.add(3, 'KSampler', COMFY_SLOTS.KSampler, samplerWidgets(SEED));
  graph.add(10, 'LoraLoader', COMFY_SLOTS.LoraLoader, ['detail.safetensors', 0.8, 0.6], { mode: 4 });
  graph.add(11, 'KSampler', COMFY_SLOTS.KSampler, samplerWidgets(5), { mode: 4 });
  graph.add(12, 'VAEDecode', COMFY_SLOTS.VAEDecode, undefined, { mode: 2 });
  graph.add(13, 'SaveImage', COMFY_SLOTS.SaveImage, ['muted branch']);
  graph.connect(4, 0, 10, 'model');
  graph.connect(4, 1, 10, 'clip');
  graph.connect(10, 0, 3, 'model');
  graph.connect(10, 1, 6, 'clip');
  graph.connect(10, 1, 7, 'clip');
  graph.connect(6, 0, 3, 'positive');
  graph.connect(7, 0, 3, 'negative');
  graph.connect(5, 0, 3, 'latent_image');
  graph.connect(10, 0, 11, 'model');
  graph.connect(3, 0, 11, 'latent_image');
  graph.connect(11, 0, 8, 'samples');
  graph.connect(4, 2, 8, 'vae');
  graph.connect(8, 0, 9, 'images');
  graph.connect(3, 0, 12, 'samples');
  graph.connect(4, 2, 12, 'vae');
  graph.connect(12, 0, 13, 'images');
  return graph.workflow();
}

const PROMPTS_ID = 'a7e3c2d1-0000-4000-8000-000000000001';
const SAMPLING_INPUTS = [{ name: 'model', type: 'MODEL' }, { name: 'clip', type: 'CLIP' }, { name: 'latent', type: 'LATENT' }];
const SAMPLING_ID = 'a7e3c2d1-0000-4000-8000-000000000002';

/** The two text encoders as a subgraph (CLIP in; positive, negative out), its prompt fed by a primitive inside. */
function promptsSubgraph(): Record<string, unknown> {
  const inner = new ComfyGraphBuilder(100);
  inner.add(1, 'CLIPTextEncode', { inputs: [...COMFY_SLOTS.CLIPTextEncode.inputs, widgetInput('text', 'STRING')], outputs: COMFY_SLOTS.CLIPTextEncode.outputs }, ['stale']);
  inner.add(2, 'CLIPTextEncode', COMFY_SLOTS.CLIPTextEncode, ['blurry']);
  inner.add(3, 'PrimitiveNode', { outputs: [{ name: 'STRING', type: 'STRING', widget: { name: 'text' } }] }, [PROMPT]);
  inner.connect(3, 0, 1, 'text');
  inner.connectFromSubgraphInput(0, 1, 'clip', 'CLIP');
  inner.connectFromSubgraphInput(0, 2, 'clip', 'CLIP');
  inner.connectToSubgraphOutput(1, 0, 0);
  inner.connectToSubgraphOutput(2, 0, 1);
  return inner.subgraph(PROMPTS_ID, 'Prompts', [{ name: 'clip', type: 'CLIP' }], [{ name: 'positive', type: 'CONDITIONING' }, { name: 'negative', type: 'CONDITIONING' }]);
}

/** Sampling as a subgraph (model, clip, latent in; LATENT out) that holds the prompts subgraph and a reroute. */
function samplingSubgraph(): Record<string, unknown> {
  const inner = new ComfyGraphBuilder(200);
  inner.add(5, PROMPTS_ID, { inputs: [{ name: 'clip', type: 'CLIP' }], outputs: [{ name: 'positive', type: 'CONDITIONING' }, { name: 'negative', type: 'CONDITIONING' }] });
  inner.add(6, 'KSampler', COMFY_SLOTS.KSampler, samplerWidgets(SEED));
  inner.add(7, 'Reroute', COMFY_SLOTS.Reroute);
  inner.connectFromSubgraphInput(0, 7, '', 'MODEL');
  inner.connect(7, 0, 6, 'model');
  inner.connectFromSubgraphInput(1, 5, 'clip', 'CLIP');
  inner.connect(5, 0, 6, 'positive');
  inner.connect(5, 1, 6, 'negative');
  inner.connectFromSubgraphInput(2, 6, 'latent_image', 'LATENT');
  inner.connectToSubgraphOutput(6, 0, 0);
  return inner.subgraph(SAMPLING_ID, 'Sampling', [{ name: 'model', type: 'MODEL' }, { name: 'clip', type: 'CLIP' }, { name: 'latent', type: 'LATENT' }], [{ name: 'LATENT', type: 'LATENT' }]);
}

/** Instance 40 of a sampling subgraph between the outer nodes (model, clip, latent in; LATENT to the decoder). */
function wireSamplingInstance(graph: ComfyGraphBuilder): void {
  graph.connect(4, 0, 40, 'model');
  graph.connect(4, 1, 40, 'clip');
  graph.connect(5, 0, 40, 'latent');
  graph.connect(40, 0, 8, 'samples');
  graph.connect(4, 2, 8, 'vae');
  graph.connect(8, 0, 9, 'images');
}

function nestedSubgraphs(): Record<string, unknown> {
  const graph = new ComfyGraphBuilder();
  outerNodes(graph);
  graph.add(40, SAMPLING_ID, { inputs: SAMPLING_INPUTS, outputs: [{ name: 'LATENT', type: 'LATENT' }] });
  wireSamplingInstance(graph);
  return graph.workflow({ definitions: { subgraphs: [samplingSubgraph(), promptsSubgraph()] } });
}

const PROMOTED_ID = 'a7e3c2d1-0000-4000-8000-000000000003';

/**
 * The prompts and the KSampler as one subgraph whose seed and prompt text are promoted to the
 * instance (stale values inside), in one of the frontend's forms: both as linked subgraph inputs;
 * both as `properties.proxyWidgets` bare promotions; or the seed linked and the text bare, the list
 * as JSON text in the other order (values follow the list).
 */
function promotedSubgraph(form: 'linked' | 'proxy' | 'mixed'): Record<string, unknown> {
  const linkSeed = form !== 'proxy';
  const linkText = form === 'linked';
  const inner = new ComfyGraphBuilder(300);
  inner.add(1, 'CLIPTextEncode', { inputs: [...COMFY_SLOTS.CLIPTextEncode.inputs, ...(linkText ? [widgetInput('text', 'STRING')] : [])], outputs: COMFY_SLOTS.CLIPTextEncode.outputs }, ['stale']);
  inner.add(2, 'CLIPTextEncode', COMFY_SLOTS.CLIPTextEncode, ['blurry']);
  inner.add(6, 'KSampler', { inputs: [...COMFY_SLOTS.KSampler.inputs, ...(linkSeed ? [widgetInput('seed', 'INT')] : [])], outputs: COMFY_SLOTS.KSampler.outputs }, samplerWidgets(STALE_SEED));
  inner.connectFromSubgraphInput(0, 6, 'model', 'MODEL');
  inner.connectFromSubgraphInput(1, 1, 'clip', 'CLIP');
  inner.connectFromSubgraphInput(1, 2, 'clip', 'CLIP');
  inner.connectFromSubgraphInput(2, 6, 'latent_image', 'LATENT');
  const promotedInputs = [...(linkSeed ? [widgetInput('seed', 'INT')] : []), ...(linkText ? [widgetInput('text', 'STRING')] : [])];
  if (linkSeed) inner.connectFromSubgraphInput(3, 6, 'seed', 'INT');
  if (linkText) inner.connectFromSubgraphInput(4, 1, 'text', 'STRING');
  inner.connect(1, 0, 6, 'positive');
  inner.connect(2, 0, 6, 'negative');
  inner.connectToSubgraphOutput(6, 0, 0);
  const definition = inner.subgraph(PROMOTED_ID, 'Promoted', [...SAMPLING_INPUTS, ...promotedInputs], [{ name: 'LATENT', type: 'LATENT' }]);
  const graph = new ComfyGraphBuilder();
  outerNodes(graph);
  const values = { linked: [SEED, PROMPT], proxy: [SEED, PROMPT], mixed: [PROMPT, SEED] }[form];
  graph.add(40, PROMOTED_ID, { inputs: [...SAMPLING_INPUTS, ...promotedInputs], outputs: [{ name: 'LATENT', type: 'LATENT' }] }, values);
  if (form === 'proxy') graph.node(40).properties.proxyWidgets = [['6', 'seed'], ['1', 'text']];
  if (form === 'mixed') graph.node(40).properties.proxyWidgets = JSON.stringify([['1', 'text'], ['6', 'seed']]);
  wireSamplingInstance(graph);
  return graph.workflow({ definitions: { subgraphs: [definition] } });
}

/** Runs a file on a fresh engine (no cache shared with another run) and returns SaveImage 9's pixels. */
async function pixelsOf(modelsDir: string, json: unknown): Promise<Uint8Array> {
  const engine = new EngineHarness({ modelsDir });
  const job = await engine.run(json);
  assert.equal(job.end.type, 'done', JSON.stringify(job.end));
  const [image] = job.outputOf('9')?.images as Array<{ filename: string; subfolder: string }>;
  return decodePng(readFileSync(path.join(engine.outputDir, image!.subfolder, image!.filename))).data;
}

describe('ComfyUI frontend constructs give the pixels of the flat API prompt', () => {
  let modelsDir = '';
  let flat: Uint8Array = new Uint8Array();
  before(async () => {
    modelsDir = await tinyModelsDir();
    flat = await pixelsOf(modelsDir, flatPrompt());
  });

  test('the comparison can tell: the stale seed under the primitive gives other pixels', async () => {
    assert.notDeepEqual(await pixelsOf(modelsDir, flatPrompt(STALE_SEED)), flat);
  });

  test('reroute chains, primitives over stale widget values, a group', async () => {
    assert.deepEqual(await pixelsOf(modelsDir, reroutesAndPrimitives()), flat);
  });

  test('a bypassed node of an unknown type and a bypassed sampler pass their inputs on; a muted branch is dropped with its output', async () => {
    assert.deepEqual(await pixelsOf(modelsDir, bypassedAndMuted()), flat);
  });

  test('nested subgraphs with a reroute and a primitive inside', async () => {
    assert.deepEqual(await pixelsOf(modelsDir, nestedSubgraphs()), flat);
  });

  test('promoted widgets as linked inputs, as proxyWidgets, and mixed: the instance\'s values win over the stale inner ones', async () => {
    for (const form of ['linked', 'proxy', 'mixed'] as const) assert.deepEqual(await pixelsOf(modelsDir, promotedSubgraph(form)), flat, form);
  });

  test('proxyWidgets and mixed forms exported (as linked inputs) give the same pixels', async () => {
    const registry = new EngineHarness().registry;
    for (const form of ['proxy', 'mixed'] as const) {
      const loaded = loadWorkflow(promotedSubgraph(form), registry);
      assert.ok(loaded.ok);
      const exported = JSON.parse(JSON.stringify(exportComfyUiWorkflow(loaded.workflow, registry).comfy)) as unknown;
      assert.doesNotMatch(JSON.stringify(exported), /proxyWidgets/);
      assert.deepEqual(await pixelsOf(modelsDir, exported), flat, form);
    }
  });
});

describe('what the editor keeps of them', () => {
  const registryEngine = new EngineHarness();
  const load = (json: unknown) => {
    const loaded = loadWorkflow(json, registryEngine.registry);
    assert.equal(loaded.ok, true, loaded.ok ? '' : JSON.stringify(loaded.issues));
    if (!loaded.ok) throw new Error('unreachable');
    return loaded;
  };

  test('reroutes and primitives stay on the canvas, not as unknown types; the primitive keeps its value and control by name', () => {
    const { workflow, unknownTypes } = load(reroutesAndPrimitives());
    assert.deepEqual(unknownTypes, []);
    const seed = workflow.nodes.find((node) => node.id === 30)!;
    assert.deepEqual([seed.type, seed.widgets, seed.widget_controls], ['PrimitiveNode', { value: SEED }, { value: 'increment' }]);
    assert.deepEqual(workflow.nodes.filter((node) => node.type === 'Reroute').map((node) => node.id), [20, 21, 22]);
    assert.equal(workflow.groups[0]?.title, 'Sampling');
  });

  test('ComfyUI\'s Primitive* nodes become ours; PrimitiveInt keeps its control after generating', () => {
    const graph = new ComfyGraphBuilder();
    graph.add(1, 'PrimitiveInt', { outputs: [{ name: 'INT', type: 'INT' }] }, [-5, 'increment']);
    graph.add(2, 'PrimitiveStringMultiline', { outputs: [{ name: 'STRING', type: 'STRING' }] }, ['two\nlines']);
    graph.add(3, 'PrimitiveBoolean', { outputs: [{ name: 'BOOLEAN', type: 'BOOLEAN' }] }, [true]);
    graph.add(4, 'PrimitiveFloat', { outputs: [{ name: 'FLOAT', type: 'FLOAT' }] }, [0.25]);
    const { workflow, unknownTypes, notes } = load(graph.workflow());
    assert.deepEqual(unknownTypes, []);
    assert.deepEqual(
      workflow.nodes.map((node) => [node.type, node.widgets.value]),
      [['PrimitiveInt', -5], ['PrimitiveString', 'two\nlines'], ['PrimitiveBoolean', true], ['PrimitiveFloat', 0.25]],
    );
    assert.deepEqual(workflow.nodes[0]!.widget_controls, { value: 'increment' });
    assert.equal(notes.filter((note) => note.includes('"increment"')).length, 0);
  });

  test('subgraph definitions are kept, translated, and expand to ComfyUI\'s execution ids', () => {
    const { workflow, unknownTypes } = load(nestedSubgraphs());
    assert.deepEqual(unknownTypes, []);
    const definitions = (workflow.definitions as { subgraphs: { id: string; nodes: { id: number; type: string }[] }[] }).subgraphs;
    assert.deepEqual(definitions.map((definition) => definition.id), [SAMPLING_ID, PROMPTS_ID]);
    assert.deepEqual(definitions[1]!.nodes.map((node) => node.type), ['TextEncode', 'TextEncode', 'PrimitiveNode']);
    const { prompt } = flattenWorkflow(workflow, registryEngine.registry);
    assert.deepEqual(Object.keys(prompt).sort(), ['4', '40:5:1', '40:5:2', '40:6', '5', '8', '9']);
    assert.deepEqual(prompt['40:6']!.inputs.positive, ['40:5:1', 0]);
    assert.deepEqual(prompt['40:6']!.inputs.model, ['4', 0]);
    assert.equal(prompt['40:5:1']!.inputs.text, PROMPT);
  });

  test('the forms of promoted widgets give one prompt; a proxied widget with no saved value keeps the inner value', () => {
    const promptOf = (json: Record<string, unknown>) => flattenWorkflow(load(json).workflow, registryEngine.registry).prompt;
    const linked = promptOf(promotedSubgraph('linked'));
    assert.deepEqual([linked['40:6']!.inputs.seed, linked['40:1']!.inputs.text], [SEED, PROMPT]);
    assert.deepEqual(promptOf(promotedSubgraph('proxy')), linked);
    assert.deepEqual(promptOf(promotedSubgraph('mixed')), linked);
    const unsaved = promotedSubgraph('proxy');
    (unsaved.nodes as Array<{ id: number; widgets_values: unknown[] }>).find((node) => node.id === 40)!.widgets_values = [SEED];
    assert.deepEqual([promptOf(unsaved)['40:6']!.inputs.seed, promptOf(unsaved)['40:1']!.inputs.text], [SEED, 'stale']);
  });
});
