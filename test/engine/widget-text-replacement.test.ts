/**
 * ComfyUI's text replacement in SaveImage's filename_prefix (its frontend's applyTextReplacements and
 * formatDate): the rules on known values, then a ComfyUI UI workflow run on the tiny model, whose file
 * lands under the replaced name with the replaced value in the PNG's `prompt` and the pattern kept in
 * its `workflow`, as ComfyUI's PNGs hold them.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { applyTextReplacements, formatDate, withTextReplacements, type ReplacementSource } from '../../app/engine/widget-text-replacement.js';
import { loadWorkflow } from '../../app/engine/workflow-load.js';
import { flattenWorkflow } from '../../app/engine/workflow-to-prompt.js';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { createNodeRegistry } from '../../nodes/index.js';
import { EngineHarness } from '../support/engine-harness.js';
import { tinyModelsDir } from '../support/tiny-model.js';
import { tinyDefaultGraph, widgetInput } from './comfyui/comfy-slots.js';

const registry = createNodeRegistry();
// Local time, as ComfyUI's frontend formats it: 5 March 2026, 07:08:09.
const MARCH_5 = new Date(2026, 2, 5, 7, 8, 9);

const source = (searchName: string, title: string, widgets: Record<string, string | number>): ReplacementSource => ({ searchName, title, widget: (name) => widgets[name] });

describe('formatDate (ComfyUI_frontend formatUtil.ts)', () => {
  test('doubled letters pad to two digits, single ones do not; yyyy, yy; other text stays', () => {
    assert.equal(formatDate('yyyy-MM-dd', MARCH_5), '2026-03-05');
    assert.equal(formatDate('yy/M/d h:m:s', MARCH_5), '26/3/5 7:8:9');
    assert.equal(formatDate('hhmmss', MARCH_5), '070809');
    assert.equal(formatDate('yyy y at', MARCH_5), 'yyy y at');
  });
});

describe('applyTextReplacements (ComfyUI_frontend searchAndReplace.ts)', () => {
  const sources = [source('KSampler', 'Sampler A', { seed: 42, sampler_name: 'euler' }), source('CLIPTextEncode', 'Positive', { text: 'a cat: "big"/small?' }), source('KSampler', 'Second', { seed: 7 })];

  test('dates, widgets by search-and-replace name (first match) or title; file-name characters become _', () => {
    assert.equal(applyTextReplacements('%date:yyyy-MM-dd%/img_%KSampler.seed%', sources, MARCH_5), '2026-03-05/img_42');
    assert.equal(applyTextReplacements('%Second.seed%-%Positive.text%', sources, MARCH_5), '7-a cat_ _big__small_');
  });

  test('what names nothing is left as written: unknown node or widget, ComfyUI\'s server-side %width%', () => {
    assert.equal(applyTextReplacements('%Nope.seed%_%KSampler.cfg%_%width%_100%', sources, MARCH_5), '%Nope.seed%_%KSampler.cfg%_%width%_100%');
  });
});

/** ComfyUI's default graph at the tiny model's size, the file name built from a date, the seed and the checkpoint's title. */
function namedOutputWorkflow(prefix: string): Record<string, unknown> {
  return tinyDefaultGraph({ samplerWidgets: [31, 'fixed', 2, 7, 'euler', 'normal', 1], prefix, checkpointTitle: 'Base' }).workflow();
}

describe('filename_prefix of an imported ComfyUI workflow', () => {
  const PREFIX = '%date:yyyy-MM-dd%/%Base.ckpt_name%_%KSampler.seed%_%KSampler.sampler_name%';

  test('the prompt built from it holds the replaced name, by ComfyUI\'s class, title and input names', () => {
    const loaded = loadWorkflow(namedOutputWorkflow(PREFIX), registry);
    assert.ok(loaded.ok);
    const prompt = withTextReplacements(flattenWorkflow(loaded.workflow, registry), registry, MARCH_5);
    assert.equal(prompt['9']!.inputs.filename_prefix, '2026-03-05/tiny-sd_31_euler');
  });

  test('a run writes the file under that name; the PNG\'s prompt holds it and its workflow keeps the pattern', async () => {
    const engine = new EngineHarness({ modelsDir: await tinyModelsDir() });
    const before = formatDate('yyyy-MM-dd', new Date());
    const job = await engine.run(namedOutputWorkflow(PREFIX));
    const after = formatDate('yyyy-MM-dd', new Date());
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const [image] = job.outputOf('9')?.images as Array<{ filename: string; subfolder: string }>;
    assert.ok([before, after].includes(image!.subfolder), image!.subfolder);
    assert.match(image!.filename, /^tiny-sd_31_euler_\d{5}_\.png$/);
    const file = path.join(engine.outputDir, image!.subfolder, image!.filename);
    assert.ok(existsSync(file));
    const text = decodePng(readFileSync(file)).text;
    const prompt = JSON.parse(text.prompt!) as Record<string, { inputs: Record<string, unknown> }>;
    assert.equal(prompt['9']!.inputs.filename_prefix, `${image!.subfolder}/tiny-sd_31_euler`);
    const workflow = JSON.parse(text.workflow!) as { nodes: { id: number; widgets_values?: unknown[] }[] };
    assert.deepEqual(workflow.nodes.find((node) => node.id === 9)!.widgets_values, [PREFIX]);
  });

  test('a PrimitiveNode set to "Run widget replace on values" feeds replaced text; one not set feeds it as written', () => {
    const withPrimitive = (replace: boolean) => {
      const graph = tinyDefaultGraph({ samplerWidgets: [31, 'fixed', 2, 7, 'euler', 'normal', 1], prefix: 'plain' });
      graph.node(6).inputs.push({ ...widgetInput('text', 'STRING'), link: null });
      graph.add(30, 'PrimitiveNode', { outputs: [{ name: 'STRING', type: 'STRING', widget: { name: 'text' } }] }, ['an apple, seed %KSampler.seed%, %date:yyyy%']);
      graph.node(30).properties['Run widget replace on values'] = replace;
      graph.connect(30, 0, 6, 'text');
      const loaded = loadWorkflow(graph.workflow(), registry);
      assert.ok(loaded.ok);
      return withTextReplacements(flattenWorkflow(loaded.workflow, registry), registry, MARCH_5);
    };
    assert.equal(withPrimitive(true)['6']!.inputs.text, 'an apple, seed 31, 2026');
    assert.equal(withPrimitive(false)['6']!.inputs.text, 'an apple, seed %KSampler.seed%, %date:yyyy%');
    assert.equal(withPrimitive(true)['9']!.inputs.filename_prefix, 'plain');
  });

  test('an API-format prompt is taken as ComfyUI\'s server takes it: no replacement', () => {
    const engine = new EngineHarness();
    const prepared = engine.service.prepare({ 1: { class_type: 'PrimitiveString', inputs: { value: 'x' } }, 2: { class_type: 'SaveText', inputs: { text: ['1', 0], filename_prefix: '%date:yyyy%' } } });
    assert.ok(prepared.ok, JSON.stringify(prepared));
    assert.equal(prepared.run.prompt['2']!.inputs.filename_prefix, '%date:yyyy%');
  });
});
