import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import type { Workflow } from '../../app/protocol/index.js';
import { nodeOfType } from '../support/default-workflow.js';
import { EngineHarness } from '../support/engine-harness.js';
import { tinyModelsDir } from '../support/tiny-model.js';

const folder = new URL('../../workflows/', import.meta.url);
const files = readdirSync(folder).filter((name) => name.endsWith('.json')).sort();
const read = (name: string) => JSON.parse(readFileSync(new URL(name, folder), 'utf8')) as Workflow;

describe('the shipped example workflows', () => {
  let engine: EngineHarness;
  before(async () => {
    engine = new EngineHarness({ modelsDir: await tinyModelsDir() });
  });

  test('there is one per scale class besides the default', () => {
    assert.deepEqual(files, ['default.json', 'scalecrafter-16x.json', 'scalecrafter-4x.json', 'scalecrafter-6.25x.json', 'scalecrafter-8x.json']);
  });

  for (const file of files) {
    test(`${file} is valid and current (opens without migrations)`, () => {
      assert.deepEqual(engine.service.handle('validate', { workflow: read(file) }), { issues: [] });
      assert.deepEqual(engine.service.handle('loadWorkflow', { workflow: read(file) }), { ok: true, workflow: read(file), notes: [], unknownTypes: [] });
    });
  }

  for (const file of ['scalecrafter-4x.json', 'scalecrafter-8x.json']) {
    test(`${file} runs its patches through the Sampler (shortened)`, async () => {
      const workflow = read(file);
      Object.assign(nodeOfType(workflow, 'Sampler').widgets, { steps: 4 });
      const latent = nodeOfType(workflow, 'EmptyLatentImage').widgets;
      // Half the size keeps the test quick; the layer choice is what is being exercised.
      Object.assign(latent, { width: Number(latent.width) / 2, height: Number(latent.height) / 2 });
      const job = await engine.run(workflow);
      assert.equal(job.end.type, 'done', JSON.stringify(job.end));
      const types = new Map(workflow.nodes.map((node) => [String(node.id), node.type]));
      const ran = job.executed.map((id) => types.get(id));
      assert.ok(ran.includes('ReDilate'));
      if (file === 'scalecrafter-8x.json') assert.ok(ran.includes('NoiseDampedCFG'));
    });
  }
});
