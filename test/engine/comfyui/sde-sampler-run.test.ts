/**
 * A ComfyUI API-format file as people share them, with an SDE sampler and the Karras scheduler
 * (dpmpp_2m_sde + karras), imported and run on tiny-sd: it validates without notes on the sampler
 * or scheduler, runs to a PNG, and the same seed gives the same image while another seed does not.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { importComfyUi } from '../../../app/engine/comfyui/import-comfyui.js';
import { TINY_SD_SIDE } from '../../support/default-workflow.js';
import { EngineHarness, type JobRecord } from '../../support/engine-harness.js';
import { tinyModelsDir } from '../../support/tiny-model.js';

type ApiFile = Record<string, { inputs: Record<string, unknown>; class_type: string }>;

function sdeWorkflow(seed: number): ApiFile {
  const file = JSON.parse(readFileSync(new URL('../../fixtures/comfyui/default-workflow-api.json', import.meta.url), 'utf8')) as ApiFile;
  file['4']!.inputs.ckpt_name = 'tiny-sd';
  Object.assign(file['5']!.inputs, { width: TINY_SD_SIDE / 2, height: TINY_SD_SIDE / 2 });
  Object.assign(file['3']!.inputs, { seed, steps: 4, sampler_name: 'dpmpp_2m_sde', scheduler: 'karras' });
  return file;
}

describe('a ComfyUI file with dpmpp_2m_sde + karras', () => {
  let engine: EngineHarness;
  before(async () => {
    engine = new EngineHarness({ modelsDir: await tinyModelsDir() });
  });

  const savedImage = (job: JobRecord): Buffer => {
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const [image] = job.outputOf('9')!.images as Array<{ filename: string; subfolder: string }>;
    return readFileSync(path.join(engine.outputDir, image!.subfolder, image!.filename));
  };

  test('imports onto the Sampler with both names kept and nothing to report', () => {
    const result = importComfyUi(sdeWorkflow(1), engine.registry);
    assert.ok(result.ok, JSON.stringify(result));
    const sampler = result.workflow.nodes.find((node) => node.type === 'Sampler')!;
    assert.deepEqual([sampler.widgets.sampler, sampler.widgets.scheduler], ['dpmpp_2m_sde', 'karras']);
    assert.deepEqual(result.notes.filter((note) => /sampler\b|scheduler/.test(note) && note.includes('counterpart')), []);
    assert.deepEqual(engine.service.handle('validate', { workflow: result.workflow }), { issues: [] });
  });

  test('runs to an image, the same one again for the same seed and another for another seed', async () => {
    const first = savedImage(await engine.run(sdeWorkflow(7)));
    const again = savedImage(await engine.run(sdeWorkflow(7)));
    const other = savedImage(await engine.run(sdeWorkflow(8)));
    assert.ok(first.equals(again), 'same seed, same image');
    assert.ok(!first.equals(other), 'the SDE noise follows the seed');
  });
});
