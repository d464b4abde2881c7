/** The real `scalecrafter models prepare` on files in a temp dir. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readModel, writeModel } from '../../app/onnx/model-io.js';
import { readPreparedUnetLayout } from '../../app/scalecrafter/prepare/prepared-unet-format.js';
import { singleConvModel } from '../scalecrafter/prepare/conv-models.js';
import { runCli } from '../support/cli-process.js';

const PATH = 'mid_block.resnets.0.conv1';

describe('scalecrafter models prepare', () => {
  let dir = '';
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'scalecrafter-prepare-cli-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  test('--out inside folders that do not exist yet creates them (as `models build` does)', async () => {
    const input = join(dir, 'unet.onnx');
    await writeModel(singleConvModel({ modulePath: PATH, stride: 1, inChannels: 4, outChannels: 4, seed: 2 }).model, input);
    const output = join(dir, 'not', 'there', 'yet', 'model.onnx');
    assert.equal(existsSync(join(dir, 'not')), false);
    const result = await runCli(['models', 'prepare', input, '--out', output]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `prepared 1 conv for ScaleCrafter controls: ${output}\n`);
    assert.deepEqual(readPreparedUnetLayout(await readModel(output)).convs, [PATH]);
  });
});
