import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededWeights } from '../../app/models/weights/seeded-weights.js';
import { clipEncoderLayer, clipTextModel, type ClipTextConfig } from '../reference/clip-text-model.js';
import { NdArray } from '../reference/ndarray.js';
import { param } from '../reference/params.js';
import { withOverrides, zeroing } from '../reference/weight-overrides.js';

const weights = new SeededWeights(44);
const config: ClipTextConfig = {
  vocab_size: 50,
  hidden_size: 16,
  intermediate_size: 32,
  num_attention_heads: 4,
  num_hidden_layers: 2,
  max_position_embeddings: 8,
  layer_norm_eps: 1e-5,
  hidden_act: 'quick_gelu',
};
const row = (data: Float32Array, index: number, width = 16) => [...data.subarray(index * width, (index + 1) * width)];

describe('reference clipTextModel', () => {
  test('causal: a token never sees later tokens, so changing token 3 leaves positions 0–2 unchanged', () => {
    const a = clipTextModel(weights, 'text_model', config, [[1, 7, 9, 11, 49, 0]]).lastHiddenState;
    const b = clipTextModel(weights, 'text_model', config, [[1, 7, 9, 30, 49, 0]]).lastHiddenState;
    assert.deepEqual(a.data.subarray(0, 3 * 16), b.data.subarray(0, 3 * 16));
    assert.notDeepEqual(row(a.data, 3), row(b.data, 3));
  });

  test('pooled output is the final hidden state at argmax(input_ids) (first maximum), per batch row', () => {
    const ids = [
      [49, 3, 49, 0],
      [2, 5, 8, 49],
    ];
    const { lastHiddenState, pooledOutput } = clipTextModel(weights, 'text_model', config, ids);
    assert.deepEqual(row(pooledOutput.data, 0), row(lastHiddenState.data, 0));
    assert.deepEqual(row(pooledOutput.data, 1), row(lastHiddenState.data, 4 + 3));
  });

  test('with a current eos_token_id the pool is at its first occurrence instead', () => {
    const { lastHiddenState, pooledOutput } = clipTextModel(weights, 'text_model', { ...config, eos_token_id: 5 }, [[4, 5, 49, 5]]);
    assert.deepEqual(row(pooledOutput.data, 0), row(lastHiddenState.data, 1));
  });

  test('hidden states start at token + position embeddings; with out_proj and fc2 zeroed every layer is the identity', () => {
    const zeroed = withOverrides(weights, zeroing(/(out_proj|fc2)\./));
    const { hiddenStates, lastHiddenState } = clipTextModel(zeroed, 'text_model', config, [[3, 9]]);
    assert.equal(hiddenStates.length, 3);
    const tokens = param(weights, 'text_model.embeddings.token_embedding.weight', [50, 16]);
    const positions = param(weights, 'text_model.embeddings.position_embedding.weight', [8, 16]);
    assert.deepEqual(row(hiddenStates[0]!.data, 1), row(tokens.data, 9).map((v, c) => Math.fround(v + positions.data[16 + c]!)));
    assert.deepEqual(hiddenStates[2]!.data, hiddenStates[0]!.data);
    // final_layer_norm (γ = 1, β = 0 from the seeded init policy): each row gets mean 0 and variance
    // v / (v + eps), v its variance before the norm (eps matters: these embeddings are small).
    const stats = (values: number[]) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return { mean, variance: values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length };
    };
    for (let position = 0; position < 2; position++) {
      const before = stats(row(hiddenStates[2]!.data, position)).variance;
      const { mean, variance } = stats(row(lastHiddenState.data, position));
      const expected = before / (before + config.layer_norm_eps);
      assert.ok(Math.abs(mean) < 1e-6 && Math.abs(variance - expected) < 1e-5, `position ${position}: ${mean}, ${variance} vs ${expected}`);
    }
  });

  test('both branches are pre-LN: branch(3·x) = branch(x) when the other branch is zeroed', () => {
    const x = clipTextModel(weights, 'text_model', config, [[4, 8, 15, 16]]).hiddenStates[1]!;
    for (const other of [/mlp\.fc2\./, /self_attn\.out_proj\./]) {
      const source = withOverrides(weights, zeroing(other));
      const residual = (input: NdArray) => {
        const out = clipEncoderLayer(source, 'text_model.encoder.layers.0', config, input);
        return out.data.map((v, i) => v - input.data[i]!);
      };
      const once = residual(x);
      const tripled = residual(new NdArray(x.shape, x.data.map((v) => 3 * v)));
      // eps 1e-5 against the row variances here (≥ 1e-2) moves the result by < 1e-3 relative: tolerance 1e-4 absolute.
      const worst = once.reduce((m, v, i) => Math.max(m, Math.abs(v - tripled[i]!)), 0);
      assert.ok(worst < 1e-4, `${other}: ${worst}`);
    }
  });

  test('gelu (SD2 / OpenCLIP) and quick_gelu (SD1) are different activations', () => {
    const quick = clipTextModel(weights, 'text_model', config, [[1, 2, 3]]).lastHiddenState;
    const exact = clipTextModel(weights, 'text_model', { ...config, hidden_act: 'gelu' }, [[1, 2, 3]]).lastHiddenState;
    assert.notDeepEqual(quick.data, exact.data);
  });

  test('rejects ids outside the vocabulary and sequences longer than the position table', () => {
    assert.throws(() => clipTextModel(weights, 'text_model', config, [[50]]), /token id 50 outside the vocabulary of 50/);
    assert.throws(() => clipTextModel(weights, 'text_model', config, [new Array(9).fill(1)]), /9 tokens exceed max_position_embeddings 8/);
  });
});
