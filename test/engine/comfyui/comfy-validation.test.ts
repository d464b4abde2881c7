/**
 * Validating a ComfyUI file reports everything at once, as ComfyUI's validate_prompt reports each
 * node's errors: a missing output node hides neither unknown types nor bad values, every problem is
 * named by node id, ComfyUI class and ComfyUI input, and a model file that is not there is refused
 * before anything runs, with the files there are (ComfyUI's value_not_in_list).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Issue, WidgetOverride } from '../../../app/protocol/index.js';
import { EngineHarness } from '../../support/engine-harness.js';

/** A models folder with one checkpoint file and one VAE file (empty: validation only looks them up). */
function modelsFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'comfy-validation-'));
  mkdirSync(path.join(dir, 'checkpoints', 'SD1'), { recursive: true });
  mkdirSync(path.join(dir, 'vae'), { recursive: true });
  writeFileSync(path.join(dir, 'checkpoints', 'SD1', 'present.safetensors'), '');
  writeFileSync(path.join(dir, 'vae', 'present-vae.safetensors'), '');
  return dir;
}

/** ComfyUI's default graph in the API format, with `changes` merged into its nodes' inputs. */
function apiPrompt(changes: Record<string, Record<string, unknown>> = {}, withSave = true): Record<string, unknown> {
  const prompt: Record<string, { class_type: string; inputs: Record<string, unknown> }> = {
    4: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'SD1/present.safetensors' } },
    5: { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
    6: { class_type: 'CLIPTextEncode', inputs: { text: 'an apple', clip: ['4', 1] } },
    7: { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['4', 1] } },
    3: {
      class_type: 'KSampler',
      inputs: { seed: 1, steps: 4, cfg: 7, sampler_name: 'euler', scheduler: 'normal', denoise: 1, model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0] },
    },
    10: { class_type: 'VAELoader', inputs: { vae_name: 'present-vae.safetensors' } },
    8: { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['10', 0] } },
    ...(withSave ? { 9: { class_type: 'SaveImage', inputs: { filename_prefix: 'x', images: ['8', 0] } } } : {}),
  };
  for (const [id, inputs] of Object.entries(changes)) Object.assign(prompt[id]!.inputs, inputs);
  return prompt;
}

const brief = (issues: readonly Issue[]) => issues.map(({ code, nodeId, nodeType, field }) => `${code} ${nodeId} ${nodeType} ${field}`).sort();

function issuesOf(engine: EngineHarness, json: unknown, overrides: WidgetOverride[] = []): Issue[] {
  const result = engine.service.handle('validate', { workflow: json, overrides }) as { issues: Issue[] };
  return result.issues;
}

describe('validating a ComfyUI file', () => {
  const engine = new EngineHarness({ modelsDir: modelsFolder() });

  test('the file as it is validates', () => {
    assert.deepEqual(issuesOf(engine, apiPrompt()), []);
  });

  test('a missing output node hides neither an unknown type nor a bad value; each names the ComfyUI class and input', () => {
    const json = { ...apiPrompt({ 3: { steps: 'abc' } }, false), 11: { class_type: 'ImageSharpen', inputs: { image: ['8', 0], sharpen_radius: 1 } } };
    assert.deepEqual(brief(issuesOf(engine, json)), [
      'no_output_node undefined undefined undefined',
      'unknown_node_type 11 ImageSharpen undefined',
      'wrong_type 3 KSampler steps',
    ]);
  });

  test('a checkpoint and a VAE that are not there are refused up front, with the files there are', () => {
    const issues = issuesOf(engine, apiPrompt({ 4: { ckpt_name: 'SD1/missing.safetensors' }, 10: { vae_name: 'gone.safetensors' } }));
    assert.deepEqual(brief(issues), ['not_in_options 10 VAELoader vae_name', 'not_in_options 4 CheckpointLoaderSimple ckpt_name']);
    const checkpoint = issues.find((issue) => issue.nodeId === '4')!;
    assert.match(checkpoint.message, /"SD1\/missing\.safetensors" is not among/);
    assert.match(checkpoint.hint ?? '', /SD1\/present\.safetensors/);
    assert.match(issues.find((issue) => issue.nodeId === '10')!.hint ?? '', /choose one of: present-vae\.safetensors/);
  });

  test('POST /prompt\'s path (enqueue) refuses the same file before queueing anything', () => {
    const result = engine.enqueue(apiPrompt({ 10: { vae_name: 'gone.safetensors' } }));
    assert.deepEqual(result.ok ? [] : brief(result.issues), ['not_in_options 10 VAELoader vae_name']);
    assert.equal(engine.events.length, 0);
  });

  test('--set takes the file\'s own field names as well as ours', () => {
    const missing = apiPrompt({ 4: { ckpt_name: 'SD1/missing.safetensors' } });
    assert.deepEqual(issuesOf(engine, missing, [{ nodeId: '4', field: 'ckpt_name', value: 'SD1/present.safetensors' }]), []);
    assert.deepEqual(issuesOf(engine, missing, [{ nodeId: '4', field: 'model', value: 'SD1/present.safetensors' }]), []);
    assert.deepEqual(brief(issuesOf(engine, apiPrompt(), [{ nodeId: '3', field: 'sampler_name', value: 'nope' }])), ['not_in_options 3 KSampler sampler_name']);
  });

  test('our own files keep our names', () => {
    const loaded = engine.service.handle('loadWorkflow', { workflow: apiPrompt({ 3: { steps: 'abc' } }) }) as { ok: true; workflow: unknown };
    assert.deepEqual(brief(issuesOf(engine, loaded.workflow)), ['wrong_type 3 Sampler steps']);
  });
});
