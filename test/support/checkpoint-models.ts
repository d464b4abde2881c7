/**
 * A models folder laid out as ComfyUI's (checkpoints/, vae/), holding test-size original-layout
 * files: an SD 1.x checkpoint whose text encoder has CLIP's full 49408-token vocabulary (so real
 * prompts tokenize into it), and its VAE on its own (original layout or diffusers names). The
 * weights are seeded by diffusers name, so a VAE file and a checkpoint written with one seed hold
 * the same VAE.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SeededWeights } from '../../app/models/weights/seeded-weights.js';
import { hfClipTensors, ldmVaeTensors } from '../reference/ldm-checkpoint-layout.js';
import { allTensors, sd1Layout, TEST_TEXT, TEST_VAE, VAE_CONFIG } from '../models/checkpoint/specs.js';
import { writeSafetensors } from '../../app/models/weights/safetensors-writer.js';
import { diffusersTensors, writeLdmCheckpoint } from './ldm-checkpoint-files.js';

const CLIP_VOCABULARY = 49408;

/** Writes an SD 1.x checkpoint that runs end to end (seeded weights: the image is noise). */
export async function writeRunnableSd1Checkpoint(file: string, seed = 7): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const layout = { ...sd1Layout(), textEncoder: hfClipTensors('cond_stage_model.transformer.', { ...TEST_TEXT, vocab: CLIP_VOCABULARY }) };
  await writeLdmCheckpoint(file, allTensors(layout), new SeededWeights(seed));
}

/**
 * Writes the test checkpoint's VAE architecture on its own, as ComfyUI's vae/ files are: with
 * "first_stage_model." (`prefix` default) or with bare encoder./decoder. keys (`prefix` '').
 */
export async function writeLdmVaeFile(file: string, prefix: string, seed = 11): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const stored = ldmVaeTensors(TEST_VAE).map((entry) => ({ ...entry, key: prefix + entry.key.slice('first_stage_model.'.length) }));
  await writeLdmCheckpoint(file, stored, new SeededWeights(seed));
}

/** The same VAE under diffusers' names (diffusion_pytorch_model.safetensors) with its config.json beside it. */
export async function writeDiffusersVaeFile(file: string, seed = 11): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeSafetensors(file, diffusersTensors(ldmVaeTensors(TEST_VAE), new SeededWeights(seed)));
  await writeFile(path.join(path.dirname(file), 'config.json'), JSON.stringify({ _class_name: 'AutoencoderKL', ...VAE_CONFIG }));
}
