/**
 * Reading LoRA files: every naming's tensors pair into modules with scale alpha / rank (1 without
 * alpha), module names map to components as ComfyUI's key maps do, and files this app cannot
 * apply are refused with the tensor or module named.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { readLoraFile } from '../../../app/models/lora/lora-file.js';
import { componentOf } from '../../../app/models/lora/lora-targets.js';
import { writeSafetensors, type TensorToWrite } from '../../../app/models/weights/index.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'lora-file-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const matrix = (shape: number[]): TensorToWrite => ({ dtype: 'F16', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.5) });
const scalar = (value: number): TensorToWrite => ({ dtype: 'F32', shape: [], data: Float32Array.of(value) });

async function written(name: string, tensors: Record<string, TensorToWrite>): Promise<string> {
  const file = path.join(scratch, name);
  await writeSafetensors(file, tensors);
  return file;
}

describe('LoRA files', () => {
  test('kohya, PEFT and both older diffusers namings pair down and up; alpha / rank scales, no alpha means 1', async () => {
    const file = await written('mixed.safetensors', {
      'lora_unet_mid_block_attentions_0_proj_in.lora_down.weight': matrix([8, 64, 1, 1]),
      'lora_unet_mid_block_attentions_0_proj_in.lora_up.weight': matrix([64, 8, 1, 1]),
      'lora_unet_mid_block_attentions_0_proj_in.alpha': scalar(4),
      'unet.down_blocks.1.attentions.0.proj_out.lora_A.weight': matrix([2, 64]),
      'unet.down_blocks.1.attentions.0.proj_out.lora_B.weight': matrix([64, 2]),
      'unet.mid_block.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora.down.weight': matrix([4, 64]),
      'unet.mid_block.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora.up.weight': matrix([64, 4]),
      'text_encoder.text_model.encoder.layers.0.mlp.fc1.lora.down.weight': matrix([4, 32]),
      'text_encoder.text_model.encoder.layers.0.mlp.fc1.lora.up.weight': matrix([37, 4]),
    });
    const modules = new Map((await readLoraFile(file)).map((module) => [module.name, module]));
    assert.equal(modules.size, 4);
    assert.equal(modules.get('lora_unet_mid_block_attentions_0_proj_in')!.scale, 0.5);
    assert.deepEqual(modules.get('lora_unet_mid_block_attentions_0_proj_in')!.down.dims, [8, 64, 1, 1]);
    assert.equal(modules.get('unet.down_blocks.1.attentions.0.proj_out')!.scale, 1);
    assert.ok(modules.has('unet.mid_block.attentions.0.transformer_blocks.0.attn1.processor.to_out'));
    assert.deepEqual(modules.get('text_encoder.text_model.encoder.layers.0.mlp.fc1')!.up.dims, [37, 4]);
  });

  test('module names map to components and diffusers paths as ComfyUI reads them', () => {
    assert.deepEqual(componentOf('lora_te2_text_model_encoder_layers_3_mlp_fc2'), { component: 'text_encoder_2', modulePath: 'text_model_encoder_layers_3_mlp_fc2', flattened: true });
    assert.deepEqual(componentOf('lora_te1_text_model_encoder_layers_3_mlp_fc2').component, 'text_encoder');
    assert.deepEqual(componentOf('lora_te_text_model_encoder_layers_3_mlp_fc2').component, 'text_encoder');
    assert.deepEqual(componentOf('text_encoder_2.text_model.encoder.layers.0.self_attn.q_proj'), { component: 'text_encoder_2', modulePath: 'text_model.encoder.layers.0.self_attn.q_proj', flattened: false });
    assert.equal(componentOf('unet.up_blocks.1.attentions.2.transformer_blocks.0.attn2.processor.to_out').modulePath, 'up_blocks.1.attentions.2.transformer_blocks.0.attn2.to_out.0');
    assert.equal(componentOf('down_blocks.0.attentions.0.transformer_blocks.0.attn1.processor.to_k').modulePath, 'down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_k');
  });

  test('LyCORIS kinds, a module without its up matrix, mismatched ranks and pickled files are refused by name', async () => {
    const refused = async (name: string, tensors: Record<string, TensorToWrite>, pattern: RegExp) => {
      const file = await written(name, tensors);
      await assert.rejects(readLoraFile(file), (error: unknown) => error instanceof UserFacingError && pattern.test(error.message) && error.message.includes(name));
    };
    await refused('loha.safetensors', { 'lora_unet_conv_in.hada_w1_a': matrix([4, 4]) }, /'lora_unet_conv_in\.hada_w1_a' is not a LoRA down, up or alpha tensor/);
    await refused('tucker.safetensors', { 'lora_unet_conv_in.lora_mid.weight': matrix([4, 4, 3, 3]) }, /lora_mid/);
    await refused('half.safetensors', { 'lora_unet_conv_in.lora_down.weight': matrix([4, 4, 3, 3]) }, /'lora_unet_conv_in' has no up matrix/);
    await refused('ranks.safetensors', { 'lora_unet_conv_out.lora_down.weight': matrix([4, 32]), 'lora_unet_conv_out.lora_up.weight': matrix([4, 8]) }, /rank 4 in its down matrix but 8/);
    const pickled = path.join(scratch, 'old.pt');
    writeFileSync(pickled, Buffer.from([0x80, 0x02]));
    await assert.rejects(readLoraFile(pickled), (error: unknown) => error instanceof UserFacingError && /only \.safetensors LoRA files/.test(error.message));
  });
});
