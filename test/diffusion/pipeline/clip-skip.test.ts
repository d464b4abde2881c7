/**
 * CLIPSetLastLayer on tiny-sd's text encoder (this app's export: last_hidden_state and the
 * penultimate state hidden_states.{L−1}). Its seeded final_layer_norm is the identity affine
 * (app/models/weights/init-policy.ts), so −2 must be the plain LayerNorm of the penultimate state.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { runTextEncoder } from '../../../app/diffusion/pipeline/clip-encoder-run.js';
import { hiddenStateName } from '../../../app/diffusion/pipeline/clip-skip.js';
import { readFloats } from '../../../app/diffusion/pipeline/model-tensors.js';
import { encodePrompt } from '../../../app/diffusion/pipeline/text-encoding.js';
import { openPipelineFolder, readJson, type PipelineFolder } from '../../../app/models/pipeline-folder.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';
import { assertAllClose } from '../../reference/compare.js';
import { NdArray } from '../../reference/ndarray.js';
import { layerNorm } from '../../reference/normalization.js';
import { tinyModelsDir } from '../../support/tiny-model.js';

const PROMPT = 'a red circle';

describe('clip skip (CLIPSetLastLayer) on an SD text encoder', () => {
  let folder: PipelineFolder;
  let layers: number;
  before(async () => {
    folder = openPipelineFolder(path.join(await tinyModelsDir(), 'tiny-sd'));
    layers = readJson(path.join(path.dirname(folder.textEncoder), 'config.json'))!.num_hidden_layers as number;
  });

  test('stop_at_clip_layer −k names transformers\' hidden_states[−k]: hidden_states.{L+1−k}', () => {
    assert.equal(hiddenStateName(12, -1), 'hidden_states.12');
    assert.equal(hiddenStateName(12, -2), 'hidden_states.11');
    assert.equal(hiddenStateName(12, -12), 'hidden_states.1');
    assert.equal(hiddenStateName(12, -13), null, 'past the first layer: ComfyUI falls back to the whole encoder');
  });

  test('−1 is last_hidden_state, the default', async () => {
    const defaulted = await encodePrompt(folder, PROMPT, 'cpu');
    const last = await encodePrompt(folder, PROMPT, 'cpu', '', { stopAt: -1 });
    assert.deepEqual(last.embeddings, defaulted.embeddings);
  });

  test('−2 is final_layer_norm of the penultimate state (1e-5: float32 vs the float64 reference)', async () => {
    const run = await runTextEncoder({ tokenizerDir: folder.tokenizerDir, model: folder.textEncoder, role: 'text_encoder' }, PROMPT, 'cpu');
    const name = `hidden_states.${layers - 1}`;
    const state = run.outputs[name]!;
    const width = state.dims[2]!;
    const expected = layerNorm(new NdArray([...state.dims], readFloats(state, name)), new NdArray([width], new Float32Array(width).fill(1)), new NdArray([width], new Float32Array(width)), 1e-5);
    const skipped = await encodePrompt(folder, PROMPT, 'cpu', '', { stopAt: -2 });
    assertAllClose(skipped.embeddings, expected, { atol: 1e-5, rtol: 1e-5 }, 'clip skip 2');
    assert.notDeepEqual(skipped.embeddings, (await encodePrompt(folder, PROMPT, 'cpu')).embeddings);
  });

  test('a layer the export lacks is refused by name, with the outputs it has', async () => {
    await assert.rejects(encodePrompt(folder, PROMPT, 'cpu', '', { stopAt: -3 }), (error: unknown) => error instanceof UserFacingError && error.message.includes(`hidden_states.${layers - 2}`) && error.message.includes('last_hidden_state'));
  });
});
