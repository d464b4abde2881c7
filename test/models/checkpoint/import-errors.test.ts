/**
 * Files that are not importable checkpoints fail with a UserFacingError naming the file and the
 * problem, before any graph is built; unknown extra keys are reported, not fatal.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkpointShapes, openCheckpointFile } from '../../../app/models/checkpoint/checkpoint-file.js';
import { planCheckpoint } from '../../../app/models/checkpoint/checkpoint-plan.js';
import { importCheckpointFile } from '../../../app/models/checkpoint/import-checkpoint.js';
import { writeSafetensors, type TensorToWrite } from '../../../app/models/weights/safetensors-writer.js';
import { SeededWeights } from '../../../app/models/weights/seeded-weights.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';
import { ldmUNetTensors } from '../../reference/ldm-checkpoint-layout.js';
import { writeLdmCheckpoint } from '../../support/ldm-checkpoint-files.js';
import { allTensors, sd1Layout } from './specs.js';

const values = new SeededWeights(5);
const small = (shape: number[]): TensorToWrite => ({ dtype: 'F32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });

async function rejection(file: string, code: string, message: RegExp, options: { family?: 'sd1' } = {}): Promise<void> {
  await assert.rejects(importCheckpointFile(file, { out: `${file}.out`, ...options }), (error: unknown) => {
    assert.ok(error instanceof UserFacingError, `a UserFacingError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    assert.ok(error.message.includes(file), `the message names the file: ${error.message}`);
    assert.ok(error.hint, 'with a hint');
    return true;
  });
}

describe('checkpoint import errors', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ckpt-errors-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a .ckpt / .pt pickle is refused unread, with why and how to convert', async () => {
    for (const name of ['model.ckpt', 'model.pt']) {
      const file = join(dir, name);
      await writeFile(file, 'not even read');
      await rejection(file, 'checkpoint.pickle', /pickle checkpoint .*runs any code/);
    }
  });

  test('a torch.save zip renamed to .safetensors is recognised by its first bytes', async () => {
    const file = join(dir, 'renamed.safetensors');
    await writeFile(file, Buffer.from('PK\x03\x04 archive/data.pkl', 'binary'));
    await rejection(file, 'checkpoint.pickle', /first bytes/);
  });

  test('a truncated file is named as damaged', async () => {
    const file = join(dir, 'truncated.safetensors');
    await writeLdmCheckpoint(file, allTensors(sd1Layout()), values);
    await truncate(file, (await stat(file)).size - 1000);
    await rejection(file, 'checkpoint.damaged', /truncated/);
  });

  test('a header whose offsets overlap is named as damaged', async () => {
    const file = join(dir, 'lying.safetensors');
    const header = JSON.stringify({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } });
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(header.length));
    await writeFile(file, Buffer.concat([prefix, Buffer.from(header), Buffer.alloc(12)]));
    await rejection(file, 'checkpoint.damaged', /tensor "b" .*overlaps "a"/);
  });

  test('a LoRA, a VAE alone and diffusers-named weights are told apart from a checkpoint', async () => {
    const cases: Array<[string, Record<string, TensorToWrite>, RegExp]> = [
      ['lora', { 'lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight': small([4, 8]), 'lora_unet_down_blocks_0_attentions_0_proj_in.alpha': small([]) }, /0 UNet tensors.*looks like a LoRA/],
      ['vae', { 'encoder.conv_in.weight': small([8, 3, 3, 3]), 'decoder.conv_in.weight': small([8, 4, 3, 3]) }, /0 UNet tensors.*looks like a VAE/],
      ['diffusers', { 'down_blocks.0.resnets.0.conv1.weight': small([8, 8, 3, 3]) }, /0 UNet tensors.*diffusers-named/],
    ];
    for (const [name, tensors, message] of cases) {
      const file = join(dir, `${name}.safetensors`);
      await writeSafetensors(file, tensors);
      await rejection(file, 'checkpoint.not_a_checkpoint', message);
    }
  });

  test('a checkpoint without its text encoder or VAE says which part is missing', async () => {
    // At test size the 64-wide context names no family; a real SD 1.x UNet's 768 would.
    const layout = sd1Layout();
    const noText = join(dir, 'no-text.safetensors');
    await writeLdmCheckpoint(noText, [...layout.unet, ...layout.vae], values);
    await rejection(noText, 'checkpoint.text_encoder_missing', /no text encoder for sd1 .*cond_stage_model\.transformer\./, { family: 'sd1' });
    const noVae = join(dir, 'no-vae.safetensors');
    await writeLdmCheckpoint(noVae, [...layout.unet, ...layout.textEncoder], values);
    await rejection(noVae, 'checkpoint.vae_missing', /no VAE/);
  });

  test('an unknown architecture says what was found', async () => {
    const file = join(dir, 'odd-width.safetensors');
    const unet = ldmUNetTensors({ inChannels: 4, outChannels: 4, modelChannels: 32, channelMult: [1], numResBlocks: 1, depth: [1], midDepth: 1, contextDim: 96, linearProjection: false });
    await writeLdmCheckpoint(file, unet, values);
    await rejection(file, 'checkpoint.unknown_architecture', /96-wide text states/);
    const unclip = join(dir, 'unclip.safetensors');
    const withLabel = ldmUNetTensors({ inChannels: 4, outChannels: 4, modelChannels: 32, channelMult: [1], numResBlocks: 1, depth: [1], midDepth: 1, contextDim: 1024, linearProjection: true, admInChannels: 64 });
    await writeLdmCheckpoint(unclip, [...withLabel, ...sd1Layout().vae], values);
    await rejection(unclip, 'checkpoint.unknown_architecture', /label_emb, 64 inputs\) with 1024-wide text states: not SDXL/);
  });

  test('unknown extra keys are left over and named, the rest still maps', async () => {
    const file = join(dir, 'extra.safetensors');
    await writeLdmCheckpoint(file, allTensors(sd1Layout()), values, { 'some_extension.scale': small([3]) });
    const opened = await openCheckpointFile(file);
    try {
      const plan = planCheckpoint(checkpointShapes(opened), file);
      assert.deepEqual(plan.leftOver, ['some_extension.scale']);
    } finally {
      await opened.close();
    }
  });

  test('a missing file is named', async () => {
    const file = join(dir, 'absent.safetensors');
    await assert.rejects(openCheckpointFile(file), (error: unknown) => error instanceof UserFacingError && error.code === 'checkpoint.not_found' && error.message.includes(file));
  });
});
