import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsWeights } from '../../../app/models/weights/safetensors-weights.js';
import { writeSafetensors } from '../../../app/models/weights/safetensors-writer.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

let directory: string;
let path: string;
let weights: SafetensorsWeights;
const convWeight = new Float32Array(4 * 2 * 3 * 3).map((_, i) => i / 10 - 3);

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'safetensors-weights-test-'));
  path = join(directory, 'unet.safetensors');
  await writeSafetensors(path, {
    'conv_in.weight': { dtype: 'F32', shape: [4, 2, 3, 3], data: convWeight },
    'conv_in.bias': { dtype: 'F16', shape: [4], data: new Float32Array([0.25, -0.5, 1, 2]) },
    'down_blocks.0.resnets.0.conv1.weight': { dtype: 'F32', shape: [4, 4, 3, 3], data: new Float32Array(144) },
  });
  weights = await SafetensorsWeights.open(path);
});
after(async () => {
  await weights.close();
  await rm(directory, { recursive: true, force: true });
});

describe('SafetensorsWeights', () => {
  test('supplies tensors by diffusers name and shape, as float32', () => {
    assert.deepEqual(weights.tensor('conv_in.weight', [4, 2, 3, 3]), convWeight);
    assert.deepEqual([...weights.tensor('conv_in.bias', [4])], [0.25, -0.5, 1, 2]);
  });

  test('a missing tensor is a UserFacingError naming the tensor and the file', () => {
    assert.throws(
      () => weights.tensor('down_blocks.0.resnets.1.conv1.weight', [4, 4, 3, 3]),
      (error: unknown) =>
        UserFacingError.hasCode(error, 'weights.missing') &&
        error.message.includes('"down_blocks.0.resnets.1.conv1.weight"') &&
        error.message.includes(path) &&
        (error.hint ?? '').includes('down_blocks.0.resnets.0.conv1.weight'), // a tensor with the same ending is suggested
    );
  });

  test('a wrong shape is a UserFacingError with the actual and expected shapes', () => {
    assert.throws(
      () => weights.tensor('conv_in.weight', [4, 4, 3, 3]),
      (error: unknown) =>
        UserFacingError.hasCode(error, 'weights.wrong_shape') && /has shape \[4, 2, 3, 3\] but \[4, 4, 3, 3\] was expected/.test(error.message),
    );
    assert.throws(() => weights.tensor('conv_in.bias', [4, 1]), /has shape \[4\] but \[4, 1\] was expected/);
  });

  test('unusedTensors lists exactly the tensors never requested', () => {
    // conv_in.weight and conv_in.bias were requested by the tests above (node:test runs them in order).
    assert.deepEqual(weights.unusedTensors(), ['down_blocks.0.resnets.0.conv1.weight']);
    weights.tensor('down_blocks.0.resnets.0.conv1.weight', [4, 4, 3, 3]);
    assert.deepEqual(weights.unusedTensors(), []);
  });
});
