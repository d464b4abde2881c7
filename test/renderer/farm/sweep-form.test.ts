import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandSweep, parseSweep } from '../../../app/farm/sweep.js';
import { FarmSettingsStore } from '../../../renderer/src/farm/farm-settings.js';
import { buildSweep, parseSeeds, parseSizes, sweepTargets, type SweepForm } from '../../../renderer/src/farm/sweep-form.js';
import { createNodeRegistry } from '../../../nodes/index.js';
import type { Workflow } from '../../../app/protocol/index.js';
import { defaultWorkflow } from '../../support/default-workflow.js';
import { MemoryStorage } from '../../support/memory-storage.js';

/** The default workflow with a ScaleCrafterPreset (node 20) and a bypassed TextEncode (node 21). */
function workflowWithPreset(): Workflow {
  const workflow = defaultWorkflow();
  const base = { pos: [0, 0] as [number, number], size: [100, 100] as [number, number], version: 1, inputs: [], outputs: [], widget_controls: {}, properties: {} };
  workflow.nodes.push(
    { ...base, id: 20, type: 'ScaleCrafterPreset', mode: 0, widgets: { family: 'sd2.1', width: 2048, height: 2048, variant: 'standard', freeu: true } },
    { ...base, id: 21, type: 'TextEncode', mode: 4, widgets: { text: 'bypassed' } },
  );
  return workflow;
}

test('seeds: lists and inclusive ranges in order; a wrong token, a backwards range or a runaway range is named', () => {
  assert.deepEqual(parseSeeds('1, 2  5-7;9'), [1, 2, 5, 6, 7, 9]);
  assert.deepEqual(parseSeeds('  '), []);
  assert.match(parseSeeds('1, x') as string, /"x" is not a seed/);
  assert.match(parseSeeds('8-3') as string, /"8-3" runs backwards/);
  assert.match(parseSeeds('1.5') as string, /"1.5" is not a seed/);
  assert.match(parseSeeds('0-99999') as string, /more than 10000 seeds/);
});

test('sizes: WIDTHxHEIGHT (× too), normalised; anything else is named', () => {
  assert.deepEqual(parseSizes('1024x1024, 0512×768 64X64'), ['1024x1024', '512x768', '64x64']);
  assert.match(parseSizes('1024') as string, /"1024" is not a size/);
});

test('the dialog offers the live TextEncode nodes and each preset choice widget with the registry\'s options', () => {
  const targets = sweepTargets(workflowWithPreset(), createNodeRegistry().schemas());
  assert.deepEqual(targets.prompts.map(({ nodeId }) => nodeId), ['2', '3']);
  assert.deepEqual(targets.presets.map(({ key, current }) => [key, current]), [['20.family', 'sd2.1'], ['20.variant', 'standard']]);
  assert.ok(targets.presets[0]!.options.includes('sd1.5') && targets.presets[0]!.options.includes('sdxl'));
});

test('the job count is the number of jobs scalecrafter batch makes of the same sweep', () => {
  const workflow = workflowWithPreset();
  const forms: SweepForm[] = [
    { seeds: '1-3', sizes: '', prompts: {}, presets: {} },
    { seeds: '1, 2', sizes: '64x64 128x128', prompts: { 2: 'a cat\n\n a dog \n', 3: '' }, presets: { '20.family': ['sd1.5', 'sdxl'], '20.variant': [] } },
    { seeds: '', sizes: '', prompts: {}, presets: {} },
  ];
  const counts = forms.map((form) => {
    const built = buildSweep(form);
    assert.ok(built.ok);
    assert.equal(built.jobs, expandSweep(parseSweep(JSON.parse(JSON.stringify(built.sweep)), 'form'), workflow).length);
    return built;
  });
  assert.deepEqual(counts.map((built) => built.ok && built.jobs), [3, 16, 1]);
  assert.deepEqual(counts[1]!.ok && counts[1]!.sweep.set, { '2.text': ['a cat', 'a dog'], '20.family': ['sd1.5', 'sdxl'] });
  const refused = buildSweep({ ...forms[0]!, sizes: 'big' });
  assert.deepEqual(refused.ok ? null : refused.input, 'sizes');
});

test('farm settings are kept, and a corrupt value takes its default alone', () => {
  const storage = new MemoryStorage();
  new FarmSettingsStore(storage).update({ redisUrl: 'redis://farm:6379', seeds: '1-2' });
  assert.deepEqual(new FarmSettingsStore(storage).value, { redisUrl: 'redis://farm:6379', outputDir: 'farm', queue: 'scalecrafter', seeds: '1-2', sizes: '' });
  storage.setItem('scalecrafter.farm.v1', '{"redisUrl": 5, "outputDir": "/srv/renders"}');
  assert.deepEqual(new FarmSettingsStore(storage).value.redisUrl, 'redis://127.0.0.1:6379');
  assert.deepEqual(new FarmSettingsStore(storage).value.outputDir, '/srv/renders');
});
