import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseClipTextConfig } from '../../../app/models/sd/clip-text-config.js';
import { SD15_CONFIGS, SD21_CONFIGS } from '../../../app/models/sd/presets.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

describe('parseClipTextConfig', () => {
  test('SD 1.5 (OpenAI CLIP ViT-L/14 text tower) and SD 2.1 (OpenCLIP ViT-H, 23 layers, gelu)', () => {
    const sd15 = parseClipTextConfig(SD15_CONFIGS.textEncoder);
    assert.deepEqual([sd15.hiddenSize, sd15.layers, sd15.heads, sd15.hiddenAct], [768, 12, 12, 'quick_gelu']);
    const sd21 = parseClipTextConfig(SD21_CONFIGS.textEncoder);
    assert.deepEqual([sd21.hiddenSize, sd21.layers, sd21.heads, sd21.hiddenAct], [1024, 23, 16, 'gelu']);
  });

  test('eos_token_id 2 (legacy configs) pools at argmax(id); another id pools at its first occurrence', () => {
    assert.deepEqual(parseClipTextConfig(SD15_CONFIGS.textEncoder).pooling, { kind: 'argmax_token_id' });
    assert.deepEqual(parseClipTextConfig({ ...SD15_CONFIGS.textEncoder, eos_token_id: 49407 }).pooling, { kind: 'first_eos', eosTokenId: 49407 });
  });

  test('an unknown activation or heads that do not divide the width name the key', () => {
    assert.throws(() => parseClipTextConfig({ hidden_act: 'relu' }), (error: unknown) => error instanceof UserFacingError && error.field === 'hidden_act');
    assert.throws(() => parseClipTextConfig({ hidden_size: 100, num_attention_heads: 3 }), (error: unknown) => error instanceof UserFacingError && error.field === 'num_attention_heads');
  });
});
