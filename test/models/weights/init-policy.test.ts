import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BIAS_STD, EMBEDDING_STD, RESIDUAL_OUTPUT_GAIN, initRuleFor } from '../../../app/models/weights/init-policy.js';

describe('initRuleFor on real diffusers / transformers parameter names', () => {
  test('normalisation layers of UNet, VAE and CLIP get the identity affine', () => {
    for (const name of [
      'down_blocks.0.resnets.0.norm1',
      'down_blocks.1.attentions.0.norm',
      'down_blocks.1.attentions.0.transformer_blocks.0.norm3',
      'conv_norm_out',
      'decoder.mid_block.attentions.0.group_norm',
      'text_model.encoder.layers.3.layer_norm1',
      'text_model.final_layer_norm',
    ]) {
      assert.deepEqual(initRuleFor(`${name}.weight`, [64]), { kind: 'constant', value: 1 }, name);
      assert.deepEqual(initRuleFor(`${name}.bias`, [64]), { kind: 'constant', value: 0 }, name);
    }
  });

  test('conv and linear weights use std 1/sqrt(prod(shape[1:]))', () => {
    assert.deepEqual(initRuleFor('conv_in.weight', [320, 4, 3, 3]), { kind: 'uniform', std: 1 / Math.sqrt(36) });
    assert.deepEqual(initRuleFor('time_embedding.linear_1.weight', [1280, 320]), { kind: 'uniform', std: 1 / Math.sqrt(320) });
    assert.deepEqual(
      initRuleFor('down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight', [640, 768]),
      { kind: 'uniform', std: 1 / Math.sqrt(768) },
    );
  });

  test('the last projection of each residual branch is scaled by the residual gain', () => {
    for (const [name, shape] of [
      ['down_blocks.0.resnets.0.conv2.weight', [320, 320, 3, 3]],
      ['mid_block.attentions.0.transformer_blocks.0.attn1.to_out.0.weight', [1280, 1280]],
      ['mid_block.attentions.0.transformer_blocks.0.ff.net.2.weight', [1280, 5120]],
      ['up_blocks.1.attentions.2.proj_out.weight', [640, 640, 1, 1]],
      ['text_model.encoder.layers.0.self_attn.out_proj.weight', [768, 768]],
      ['text_model.encoder.layers.0.mlp.fc2.weight', [768, 3072]],
    ] as const) {
      const fanIn = shape.slice(1).reduce((a: number, b: number) => a * b, 1);
      assert.deepEqual(initRuleFor(name, shape), { kind: 'uniform', std: RESIDUAL_OUTPUT_GAIN / Math.sqrt(fanIn) }, name);
    }
  });

  test('biases, embeddings and other vectors are small', () => {
    assert.deepEqual(initRuleFor('down_blocks.0.resnets.0.conv1.bias', [320]), { kind: 'uniform', std: BIAS_STD });
    assert.deepEqual(initRuleFor('text_model.embeddings.token_embedding.weight', [49408, 768]), { kind: 'uniform', std: EMBEDDING_STD });
    assert.deepEqual(initRuleFor('text_model.embeddings.position_embedding.weight', [77, 768]), { kind: 'uniform', std: EMBEDDING_STD });
  });
});
