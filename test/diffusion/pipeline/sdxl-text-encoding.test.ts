/**
 * SDXL prompt encoding on the tiny SDXL pipeline, checked against each encoder run on its own
 * (diffusers' encode_prompt: both penultimate states joined on the feature axis, the pooled
 * embedding from text_encoder_2), and the rule that finds the penultimate state by name.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { penultimateStateName } from '../../../app/diffusion/pipeline/sdxl-text-encoding.js';
import { encodePrompt } from '../../../app/diffusion/pipeline/text-encoding.js';
import { loadClipTokenizer } from '../../../app/diffusion/tokenizer/clip-tokenizer.js';
import { openPipelineFolder, type PipelineFolder } from '../../../app/models/pipeline-folder.js';
import { writeTinyStableDiffusionXL } from '../../../app/models/tiny-sdxl.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';
import { runOnnxFile } from '../../models/run-onnx-file.js';

describe('the penultimate hidden state, by name', () => {
  const all = ['last_hidden_state', 'pooler_output', ...Array.from({ length: 13 }, (_, i) => `hidden_states.${i}`)];
  test('num_hidden_layers L from the config: hidden_states.{L-1}', () => {
    assert.equal(penultimateStateName(all, 12, 'enc'), 'hidden_states.11');
    assert.equal(penultimateStateName(['text_embeds', 'hidden_states.31'], 32, 'enc'), 'hidden_states.31');
  });
  test('no config: an export of all states 0..L gives L-1; an export of one state gives that one', () => {
    assert.equal(penultimateStateName(all, null, 'enc'), 'hidden_states.11');
    assert.equal(penultimateStateName(['last_hidden_state', 'hidden_states.4'], null, 'enc'), 'hidden_states.4');
  });
  test('missing: a UserFacingError naming the file and the state it needs', () => {
    assert.throws(() => penultimateStateName(['last_hidden_state'], 12, 'text_encoder/model.onnx'), (error: unknown) => error instanceof UserFacingError && /text_encoder\/model.onnx has no penultimate hidden state output \(hidden_states.11/.test(error.message));
    assert.throws(() => penultimateStateName(['hidden_states.3', 'hidden_states.5'], null, 'enc'), UserFacingError);
  });
});

describe('SDXL prompt encoding on the tiny SDXL pipeline', () => {
  let dir = '';
  let folder: PipelineFolder;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdxl-text-'));
    folder = openPipelineFolder(await writeTinyStableDiffusionXL(join(dir, 'tiny-sdxl')));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** One encoder run directly on its ONNX file: its hidden_states.4 (5 layers) and pooled output. */
  async function direct(encoder: 'text_encoder' | 'text_encoder_2', tokenizer: string, prompt: string) {
    const ids = (await loadClipTokenizer(join(folder.root, tokenizer))).encode(prompt).ids;
    const outputs = await runOnnxFile(join(folder.root, encoder, 'model.onnx'), { input_ids: { type: 'int32', data: ids, dims: [1, 77] } });
    return { state: outputs['hidden_states.4']!.data as Float32Array, pooled: (outputs.text_embeds ?? outputs.pooler_output)!.data as Float32Array };
  }

  test('the folder: both encoders, force_zeros_for_empty_prompt from model_index.json', () => {
    assert.equal(folder.family, 'sdxl');
    assert.ok(folder.textEncoder2?.endsWith(join('text_encoder_2', 'model.onnx')));
    assert.ok(folder.tokenizer2Dir?.endsWith('tokenizer_2'));
    assert.equal(folder.forceZerosForEmptyPrompt, true);
  });

  test('embeddings = [penultimate of text_encoder | penultimate of text_encoder_2] per token; pooled = text_encoder_2\'s text_embeds', async () => {
    const prompt = 'a lighthouse at dusk';
    const conditioning = await encodePrompt(folder, prompt, 'cpu');
    const [first, second] = [await direct('text_encoder', 'tokenizer', prompt), await direct('text_encoder_2', 'tokenizer_2', prompt)];
    assert.deepEqual(conditioning.dims, [1, 77, 64]);
    for (let token = 0; token < 77; token++) {
      assert.deepEqual(conditioning.embeddings.subarray(token * 64, token * 64 + 32), first.state.subarray(token * 32, (token + 1) * 32), `token ${token}, text_encoder half`);
      assert.deepEqual(conditioning.embeddings.subarray(token * 64 + 32, (token + 1) * 64), second.state.subarray(token * 32, (token + 1) * 32), `token ${token}, text_encoder_2 half`);
    }
    assert.deepEqual(conditioning.pooled, second.pooled);
    assert.equal(conditioning.pooled!.length, 32);
  });

  test('prompt_2 goes to text_encoder_2 alone; empty means the same prompt', async () => {
    const same = await encodePrompt(folder, 'a red fox', 'cpu');
    assert.deepEqual((await encodePrompt(folder, 'a red fox', 'cpu', '')).embeddings, same.embeddings);
    const split = await encodePrompt(folder, 'a red fox', 'cpu', 'snow, watercolour');
    const second = await direct('text_encoder_2', 'tokenizer_2', 'snow, watercolour');
    for (let token = 0; token < 77; token++) {
      assert.deepEqual(split.embeddings.subarray(token * 64, token * 64 + 32), same.embeddings.subarray(token * 64, token * 64 + 32));
      assert.deepEqual(split.embeddings.subarray(token * 64 + 32, (token + 1) * 64), second.state.subarray(token * 32, (token + 1) * 32));
    }
    assert.deepEqual(split.pooled, second.pooled);
  });

  test('an SDXL folder without text_encoder_2 is refused, naming it', async () => {
    const broken = join(dir, 'no-encoder-2');
    await cp(folder.root, broken, { recursive: true });
    await rm(join(broken, 'text_encoder_2'), { recursive: true });
    assert.throws(() => openPipelineFolder(broken), (error: unknown) => error instanceof UserFacingError && /has no text_encoder_2\/model\.onnx/.test(error.message) && /text_encoder_2\//.test(error.hint ?? ''));
  });
});
