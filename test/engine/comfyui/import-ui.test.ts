import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { importComfyUi } from '../../../app/engine/comfyui/import-comfyui.js';
import { COMFY_CLASS_PROPERTY } from '../../../app/engine/comfyui/comfy-origin.js';
import { COMFY_WIDGETS_PROPERTY } from '../../../app/engine/comfyui/kept-node.js';
import type { NodeRegistry } from '../../../app/engine/node-registry.js';
import { formatIssue } from '../../../app/protocol/index.js';
import { assertLinksConsistent, checkedWorkflow, linkDescriptions, loadFixture, nodeById } from './graph-assertions.js';
import { loadCheckpointDefinition, samplerDefinition, targetRegistry } from './target-node-definitions.js';

function imported(json: unknown, registry: NodeRegistry = targetRegistry()) {
  const result = importComfyUi(json, registry);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.issues));
  assert.equal(result.format, 'ui');
  return { ...result, workflow: checkedWorkflow(result.workflow) };
}

/** ComfyUI's default text-to-image graph, read as what each link joins. */
const DEFAULT_GRAPH_LINKS = [
  '3.LATENT -> 8.samples (LATENT)',
  '4.CLIP -> 6.clip (CLIP)',
  '4.CLIP -> 7.clip (CLIP)',
  '4.MODEL -> 3.model (MODEL)',
  '4.VAE -> 8.vae (VAE)',
  '5.LATENT -> 3.latent (LATENT)',
  '6.CONDITIONING -> 3.positive (CONDITIONING)',
  '7.CONDITIONING -> 3.negative (CONDITIONING)',
  '8.IMAGE -> 9.images (IMAGE)',
];

/** A deep copy of a fixture with one node's widgets_values replaced. */
function withWidgetValues(fixture: string, nodeId: number, values: unknown[]) {
  const json = structuredClone(loadFixture(fixture)) as { nodes: { id: number; widgets_values?: unknown }[] };
  json.nodes.find((node) => node.id === nodeId)!.widgets_values = values;
  return json;
}

describe('ComfyUI UI format: the default workflow', () => {
  const { workflow, unknownTypes, issues, notes } = imported(loadFixture('default-workflow.json'));

  test('every node becomes its counterpart, with its values by name', () => {
    assert.deepEqual(unknownTypes, []);
    assert.deepEqual(issues, []);
    assert.deepEqual(notes, []);
    assert.deepEqual(
      workflow.nodes.map((node) => [node.id, node.type]),
      [[7, 'TextEncode'], [6, 'TextEncode'], [5, 'EmptyLatentImage'], [3, 'Sampler'], [8, 'VAEDecode'], [9, 'SaveImage'], [4, 'LoadCheckpoint']],
    );
    assert.deepEqual(nodeById(workflow, 4).widgets, { model: 'v1-5-pruned-emaonly-fp16.safetensors' });
    assert.deepEqual(nodeById(workflow, 6).widgets, { text: 'beautiful scenery nature glass bottle landscape, , purple galaxy bottle,' });
    assert.deepEqual(nodeById(workflow, 7).widgets, { text: 'text, watermark' });
    assert.deepEqual(nodeById(workflow, 5).widgets, { width: 512, height: 512, batch_size: 1 });
    assert.deepEqual(nodeById(workflow, 3).widgets, { seed: 156680208700286, steps: 20, cfg: 8, sampler: 'euler', scheduler: 'normal', denoise: 1 });
    assert.deepEqual(nodeById(workflow, 3).widget_controls, { seed: 'randomize' });
    assert.deepEqual(nodeById(workflow, 9).widgets, { filename_prefix: 'ComfyUI' });
    assert.deepEqual(nodeById(workflow, 8).widgets, {});
  });

  test('links join the same outputs and inputs, recorded on both ends', () => {
    assert.deepEqual(linkDescriptions(workflow), DEFAULT_GRAPH_LINKS);
    assert.deepEqual(workflow.links.map((link) => link.id).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assertLinksConsistent(workflow);
    assert.deepEqual(nodeById(workflow, 4).outputs.map((output) => [output.type, output.links]), [['MODEL', [1]], ['CLIP', [3, 5]], ['VAE', [8]]]);
  });

  test('only sockets are input slots: a widget nothing feeds stays a widget', () => {
    assert.deepEqual(nodeById(workflow, 3).inputs.map((input) => input.name), ['model', 'positive', 'negative', 'latent']);
    assert.deepEqual(nodeById(workflow, 4).inputs, []);
  });

  test('layout, canvas state and ids carry over; ComfyUI-only properties do not, but the ComfyUI class is remembered', () => {
    assert.deepEqual(nodeById(workflow, 7).pos, [413, 389]);
    assert.deepEqual(nodeById(workflow, 7).size, [425.27801513671875, 180.6060791015625]);
    assert.deepEqual(nodeById(workflow, 3).properties, { [COMFY_CLASS_PROPERTY]: 'KSampler' });
    assert.deepEqual(workflow.extra, { ds: { scale: 1, offset: [0, 0] }, frontendVersion: '1.21.7' });
    assert.equal(workflow.last_node_id, 9);
    assert.equal(workflow.last_link_id, 9);
  });
});

describe('ComfyUI UI format: slots are renumbered by name, not copied', () => {
  test('a Sampler whose sockets come in another order than KSampler\'s still gets each link on the right input', () => {
    const reordered = targetRegistry({ sampler: samplerDefinition(['latent', 'negative', 'model', 'positive']) });
    const { workflow } = imported(loadFixture('default-workflow.json'), reordered);
    assert.deepEqual(linkDescriptions(workflow), DEFAULT_GRAPH_LINKS);
    assertLinksConsistent(workflow);
    const intoSampler = Object.fromEntries(workflow.links.filter((link) => link.target_id === 3).map((link) => [link.id, link.target_slot]));
    // ComfyUI numbered them model 0, positive 1, negative 2, latent_image 3.
    assert.deepEqual(intoSampler, { 1: 2, 4: 3, 6: 1, 2: 0 });
  });

  test('a LoadCheckpoint whose outputs come in another order still sends each link from the right output', () => {
    const reordered = targetRegistry({ loadCheckpoint: loadCheckpointDefinition(['VAE', 'MODEL', 'CLIP']) });
    const { workflow } = imported(loadFixture('default-workflow.json'), reordered);
    assert.deepEqual(linkDescriptions(workflow), DEFAULT_GRAPH_LINKS);
    assertLinksConsistent(workflow);
  });
});

describe('ComfyUI UI format: nodes with no counterpart', () => {
  const { workflow, unknownTypes, issues, notes } = imported(loadFixture('lora-note-reroute.json'));

  test('are reported by name and kept, with their values; frontend-only nodes (notes, reroutes) are kept but not reported', () => {
    assert.deepEqual(unknownTypes, ['LoraLoader']);
    assert.deepEqual(issues, []);
    assert.ok(notes.some((note) => note.includes('LoraLoader')), 'a note names LoraLoader');
    assert.ok(!notes.some((note) => note.includes('Reroute') || note.includes('Note')), 'no note calls a frontend-only node unknown');
    const lora = nodeById(workflow, 10);
    assert.equal(lora.type, 'LoraLoader');
    assert.deepEqual(lora.properties, { 'Node name for S&R': 'LoraLoader', [COMFY_WIDGETS_PROPERTY]: ['add_detail.safetensors', 0.8, 0.6] });
    const note = nodeById(workflow, 11);
    assert.deepEqual(note.properties[COMFY_WIDGETS_PROPERTY], ['Detail LoRA from the team share; 0.8 on the model, 0.6 on CLIP looks best.']);
    assert.equal(note.color, '#432');
  });

  test('keep their links, through them and around them', () => {
    assert.deepEqual(linkDescriptions(workflow), [
      '10.CLIP -> 6.clip (CLIP)',
      '10.CLIP -> 7.clip (CLIP)',
      '10.MODEL -> 3.model (MODEL)',
      '12.VAE -> 8.vae (VAE)',
      '3.LATENT -> 8.samples (LATENT)',
      '4.CLIP -> 10.clip (CLIP)',
      '4.MODEL -> 10.model (MODEL)',
      // A Reroute's input is unnamed in ComfyUI; it is named by its type, "*".
      '4.VAE -> 12.* (*)',
      '5.LATENT -> 3.latent (LATENT)',
      '6.CONDITIONING -> 3.positive (CONDITIONING)',
      '7.CONDITIONING -> 3.negative (CONDITIONING)',
      '8.IMAGE -> 9.images (IMAGE)',
    ]);
    assertLinksConsistent(workflow);
  });

  test('keep the keys an extension wrote on them; a translated node keeps only litegraph\'s own', () => {
    const json = structuredClone(loadFixture('lora-note-reroute.json')) as { nodes: Record<string, unknown>[] };
    for (const node of json.nodes) node.boxcolor = '#f00';
    json.nodes.find((node) => node.id === 10)!.lora_hash = 'ab12';
    const result = imported(json);
    assert.equal(nodeById(result.workflow, 10).lora_hash, 'ab12');
    assert.equal(nodeById(result.workflow, 12).boxcolor, '#f00');
    assert.equal(nodeById(result.workflow, 3).boxcolor, undefined);
    assert.equal(nodeById(result.workflow, 10).order, undefined);
  });

  test('groups, titles and colours are kept', () => {
    assert.deepEqual(workflow.groups, loadFixture('lora-note-reroute.json').groups);
    assert.equal(nodeById(workflow, 6).title, 'Positive');
    assert.equal(nodeById(workflow, 7).bgcolor, '#533');
  });

  test('the known nodes around them are translated', () => {
    assert.deepEqual(nodeById(workflow, 3).widgets, { seed: 42, steps: 28, cfg: 6.5, sampler: 'dpmpp_2m', scheduler: 'karras', denoise: 1 });
    assert.deepEqual(nodeById(workflow, 3).widget_controls, { seed: 'fixed' });
    assert.deepEqual(nodeById(workflow, 5).widgets, { width: 768, height: 512, batch_size: 2 });
    assert.equal(nodeById(workflow, 9).type, 'PreviewImage');
  });
});

describe('ComfyUI UI format: an old file', () => {
  const { workflow, unknownTypes } = imported(loadFixture('legacy-object-vectors.json'));

  test('reads {"0": x, "1": y} positions, sizes and canvas offset', () => {
    assert.deepEqual(nodeById(workflow, 4).pos, [26, 474]);
    assert.deepEqual(nodeById(workflow, 6).size, [422.84503173828125, 164.31304931640625]);
    assert.deepEqual(workflow.extra.ds, { scale: 1, offset: [47.541666666666515, 186.9375] });
    assert.deepEqual(workflow.groups[0]!.bounding, [840, 100, 360, 380]);
  });

  test('a seed widget fed by a link becomes a widget input on our side, and keeps its value and control', () => {
    const sampler = nodeById(workflow, 3);
    const seedSlot = sampler.inputs.findIndex((input) => input.name === 'seed');
    assert.deepEqual(sampler.inputs[seedSlot], { name: 'seed', type: 'INT', link: 10, widget: { name: 'seed' } });
    assert.deepEqual(linkDescriptions(workflow).filter((link) => link.startsWith('10.')), ['10.INT -> 3.seed (INT)']);
    assert.deepEqual(sampler.widgets, { seed: 8566257, steps: 25, cfg: 7.5, sampler: 'euler_ancestral', scheduler: 'normal', denoise: 1 });
    assert.deepEqual(sampler.widget_controls, { seed: 'increment' });
    assert.deepEqual(unknownTypes, []);
    assert.deepEqual([nodeById(workflow, 10).widgets, nodeById(workflow, 10).widget_controls], [{ value: 8566257 }, { value: 'increment' }]);
    assertLinksConsistent(workflow);
  });

  test('a checkpoint name is kept as ComfyUI wrote it (LoadCheckpoint resolves the file); a node saved without widget values takes our defaults', () => {
    assert.deepEqual(nodeById(workflow, 4).widgets, { model: 'v1-5-pruned-emaonly.ckpt' });
    assert.deepEqual(nodeById(workflow, 9).widgets, { filename_prefix: 'ScaleCrafter' });
  });
});

describe('ComfyUI UI format: values that do not carry over', () => {
  test('a wrong widget count is an issue on the node, which keeps ComfyUI\'s values and takes our defaults', () => {
    const result = imported(withWidgetValues('default-workflow.json', 3, [156680208700286, 20, 8, 'euler', 'normal', 1]));
    assert.equal(result.issues.length, 1);
    assert.match(formatIssue(result.issues[0]!), /^node 3 \(Sampler\): as ComfyUI's KSampler: widgets_values holds 6 values but the node's widgets take 7/);
    const sampler = nodeById(result.workflow, 3);
    assert.deepEqual(sampler.widgets, { seed: 0, steps: 20, cfg: 7, sampler: 'euler', scheduler: 'normal', denoise: 1 });
    assert.deepEqual(sampler.properties[COMFY_WIDGETS_PROPERTY], [156680208700286, 20, 8, 'euler', 'normal', 1]);
    assert.deepEqual(linkDescriptions(result.workflow), DEFAULT_GRAPH_LINKS);
  });

  test('a sampler or scheduler with no counterpart is kept by name and reported', () => {
    const result = imported(withWidgetValues('default-workflow.json', 3, [1, 'fixed', 20, 8, 'dpm_fast', 'kl_optimal', 1]));
    const sampler = nodeById(result.workflow, 3);
    assert.equal(sampler.widgets.sampler, 'dpm_fast');
    assert.equal(sampler.widgets.scheduler, 'kl_optimal');
    assert.ok(result.notes.some((note) => note.includes('sampler') && note.includes('"dpm_fast"')));
    assert.ok(result.notes.some((note) => note.includes('scheduler') && note.includes('"kl_optimal"')));
  });

  test("ComfyUI's k-diffusion samplers and schedulers import under their own names, without notes", () => {
    const result = imported(withWidgetValues('default-workflow.json', 3, [1, 'fixed', 20, 8, 'dpmpp_2m_sde', 'beta', 1]));
    const sampler = nodeById(result.workflow, 3);
    assert.deepEqual([sampler.widgets.sampler, sampler.widgets.scheduler], ['dpmpp_2m_sde', 'beta']);
    assert.deepEqual(result.notes.filter((note) => note.includes('sampler') || note.includes('scheduler')), []);
  });

  test('the boolean seed control of ComfyUI\'s built-in default graph reads as "randomize"', () => {
    const result = imported(withWidgetValues('default-workflow.json', 3, [156680208700286, true, 20, 8, 'euler', 'normal', 1]));
    assert.deepEqual(nodeById(result.workflow, 3).widget_controls, { seed: 'randomize' });
  });

  test('a ComfyUI type whose counterpart is not registered is kept under its ComfyUI type', () => {
    const result = imported(loadFixture('default-workflow.json'), targetRegistry({ sampler: null }));
    assert.deepEqual(result.unknownTypes, ['KSampler']);
    const ksampler = nodeById(result.workflow, 3);
    assert.equal(ksampler.type, 'KSampler');
    assert.deepEqual(ksampler.properties[COMFY_WIDGETS_PROPERTY], [156680208700286, 'randomize', 20, 8, 'euler', 'normal', 1]);
    assert.ok(result.notes.some((note) => note.includes('Sampler, which this app has not registered')));
    assertLinksConsistent(result.workflow);
  });
});

test('a file that is not ComfyUI\'s is refused with a hint', () => {
  const result = importComfyUi({ hello: 'world' }, targetRegistry());
  assert.ok(!result.ok);
  assert.match(result.issues[0]!.hint ?? '', /Export \(API\)/);
});
