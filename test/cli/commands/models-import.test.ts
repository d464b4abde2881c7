import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { models } from './models-program.js';
import { SeededWeights } from '../../../app/models/weights/seeded-weights.js';
import { writeLdmCheckpoint } from '../../support/ldm-checkpoint-files.js';
import { allTensors, sd1Layout } from '../../models/checkpoint/specs.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

describe('scalecrafter models import', () => {
  let dir = '';
  let checkpoint = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'models-import-cli-'));
    checkpoint = join(dir, 'tiny-sd1.safetensors');
    await writeLdmCheckpoint(checkpoint, allTensors(sd1Layout()), new SeededWeights(8), { 'odd.key': { dtype: 'F32', shape: [2], data: new Float32Array(2) } });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('imports, prints family and prediction with the reason, warns about unknown keys by name, refuses to overwrite without --force', async () => {
    const out = join(dir, 'pipeline');
    const result = await models(['import', checkpoint, '--out', out, '--prediction', 'v']);
    assert.match(result.out, /imported sd1 checkpoint into .*pipeline/);
    assert.match(result.out, /prediction: v_prediction \(given with --prediction\)/);
    assert.match(result.err, /warning: 1 key\(s\) .*: odd\.key/);
    await assert.rejects(models(['import', checkpoint, '--out', out]), (error: unknown) => error instanceof UserFacingError && /already exists/.test(error.message));
  });

  test('a pickle checkpoint is refused in one line with the way out', async () => {
    const pickle = join(dir, 'model.ckpt');
    await writeFile(pickle, 'x');
    await assert.rejects(models(['import', pickle]), (error: unknown) => error instanceof UserFacingError && /model\.ckpt is a pickle checkpoint/.test(error.message) && /convert it to \.safetensors/.test(error.hint ?? ''));
  });
});
