import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importCheckpoint, importedFolderFor } from '../../../app/models/checkpoint/checkpoint-cache.js';
import { openPipelineFolder } from '../../../app/models/pipeline-folder.js';
import { SeededWeights } from '../../../app/models/weights/seeded-weights.js';
import { writeLdmCheckpoint } from '../../support/ldm-checkpoint-files.js';
import { allTensors, sd1Layout } from './specs.js';

describe('importCheckpoint (converted once, rebuilt when the file changes)', () => {
  let dir = '';
  let checkpoint = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ckpt-cache-'));
    checkpoint = join(dir, 'checkpoints', 'my-model.safetensors');
    await mkdir(join(dir, 'checkpoints'));
    await writeLdmCheckpoint(checkpoint, allTensors(sd1Layout()), new SeededWeights(12));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('the first call converts (reporting progress), concurrent and later calls reuse, a new mtime rebuilds', async () => {
    const modelsDir = join(dir, 'models');
    const stages = new Set<string>();
    let last = { done: 0, total: -1 };
    const [first, concurrent] = await Promise.all([
      importCheckpoint(checkpoint, { modelsDir, onProgress: (p) => { stages.add(p.stage); last = p; } }),
      importCheckpoint(checkpoint, { modelsDir }),
    ]);
    assert.equal(first.folder, importedFolderFor(checkpoint, modelsDir));
    assert.ok(first.converted, 'converted');
    assert.equal(concurrent, first, 'one conversion for concurrent requests');
    assert.deepEqual(last.done, last.total, 'progress reaches every mapped tensor');
    assert.ok(['text_encoder', 'unet', 'vae_decoder', 'vae_encoder', 'writing unet', 'tokenizer'].every((stage) => stages.has(stage)), [...stages].join(', '));
    const folder = openPipelineFolder(first.folder);
    assert.equal(folder.family, 'sd1');
    assert.equal(folder.scheduler.prediction_type, 'epsilon');

    const again = await importCheckpoint(checkpoint, { modelsDir });
    assert.equal(again.converted, null, 'reused while size and mtime are unchanged');

    const later = new Date(Date.now() + 60_000);
    await utimes(checkpoint, later, later);
    const rebuilt = await importCheckpoint(checkpoint, { modelsDir });
    assert.ok(rebuilt.converted, 'rebuilt after the file changed');
    assert.equal(rebuilt.folder, first.folder);
  });
});
